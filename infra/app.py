"""CDK app: `uv run python app.py` synthesizes both stacks into cdk.out/ (what `cdk synth`
does), with cdk-nag's AWS Solutions checks failing the synth on any unacknowledged error.

`make infra-check` runs this, cfn-lint on the templates and the stack tests.
"""

import json
import os
from pathlib import Path

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks

from blog_infra.config import platform_config_from_context
from blog_infra.data_stack import BlogDataStack
from blog_infra.edge_stack import BlogEdgeStack


def app_build(*, context: dict | None = None, outdir: str | None = None) -> cdk.App:
    app = cdk.App(context=context, outdir=outdir)
    config = platform_config_from_context(node=app.node)
    name = config.environment.capitalize()
    data = BlogDataStack(
        app,
        f"BlogData{name}",
        config=config,
        env=cdk.Environment(account=config.account, region=config.region),
        termination_protection=config.production,
    )
    edge = BlogEdgeStack(
        app,
        f"BlogEdge{name}",
        config=config,
        env=cdk.Environment(account=config.account, region="us-east-1"),
        termination_protection=config.production,
    )
    # Deploy order: the edge reads the media bucket and the replicated origin secret by name.
    edge.add_stack_dependency(data)
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def cdk_json_context() -> dict:
    """cdk.json's context: the CLI passes it itself; `python app.py` reads it here."""
    if "CDK_CONTEXT_JSON" in os.environ:
        return {}
    return json.loads((Path(__file__).parent / "cdk.json").read_text())["context"]


if __name__ == "__main__":
    app_build(context=cdk_json_context(), outdir=str(Path(__file__).parent / "cdk.out")).synth()
