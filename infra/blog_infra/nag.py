"""cdk-nag findings acknowledged with a reason, on the construct that raises them."""

from aws_cdk import Acknowledgment, Validations
from constructs import IConstruct


def nag_acknowledge(scope: IConstruct, *, rule: str, reason: str) -> None:
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))
