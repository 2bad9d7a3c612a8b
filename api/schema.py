"""The schema's view of every operation: the documented error answers and the retry header.

Every operation can answer with the one error shape (`api.errors`); listing those answers in the
schema is what lets a client — and schemathesis — check every response against it.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

from .serializers import ErrorSerializer

ERROR_CODES = {
    "GET": ("400", "401", "403", "404", "429"),
    "POST": ("400", "401", "403", "404", "409", "412", "422", "429"),
    "PATCH": ("400", "401", "403", "404", "409", "412", "422", "429"),
    "PUT": ("400", "401", "403", "404", "409", "412", "422", "429"),
}

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    description="重试同一请求时使用同一个键，不会重复起草或审批 / "
    "send the same key when retrying: the change is made once",
)


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ERROR_CODES.get(self.method, ()):
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, direction=direction
                )
        return responses

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method in ("POST", "PATCH", "PUT"):
            parameters.append(IDEMPOTENCY_KEY)
        return parameters
