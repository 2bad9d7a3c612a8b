"""The finance files: the 台账 per union and year, and the 发放花名册 per batch or campaign.

`selectors` decides which payments appear (one query per file); `sheets` lays the XLSX out for
print; `documents` builds a file for a user, in Chinese, and logs the download.
"""
