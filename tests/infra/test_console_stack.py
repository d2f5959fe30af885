"""The union console's hosting (infra/stacks/console.py), synthesized on its own: a private
bucket that only its CloudFront distribution reads (Origin Access Control), HTTPS only, the
console's deep links answered by its index.html, and exactly the local stack's
Content-Security-Policy (local/console.py, with the stage's API origin) as the response-headers
policy — what the browser tests run under locally is what staff get in AWS. (``build_stacks``
adds this stack once a stage names its ``console_origin`` in infra/stages.json.)"""
from __future__ import annotations

import shutil
from typing import Any

import pytest

from local.console import content_security_policy

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="the CDK (jsii) needs node on PATH")


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources.values() if r["Type"] == kind]


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    from aws_cdk import App, DefaultStackSynthesizer, Environment
    from aws_cdk.assertions import Template

    from infra.stacks.console import ConsoleStack
    from infra.target import Target

    target = Target(stage="prod", region="us-east-1", console_api_base="https://api.gonghui.example.cn/api",
                    console_origin="https://console.gonghui.example.cn")
    stack = ConsoleStack(App(), target, env=Environment(region=target.region),
                         synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False))
    return dict(Template.from_stack(stack).to_json()["Resources"])


def test_the_console_is_served_by_cloudfront_from_a_private_bucket_with_the_strict_policy(resources) -> None:
    buckets = _of(resources, "AWS::S3::Bucket")
    assert len(buckets) == 2 and all(b["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
        for b in buckets)
    [oac] = _of(resources, "AWS::CloudFront::OriginAccessControl")
    assert oac["OriginAccessControlConfig"]["OriginAccessControlOriginType"] == "s3"
    [distribution] = _of(resources, "AWS::CloudFront::Distribution")
    config = distribution["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    assert config["DefaultRootObject"] == "console/index.html"
    assert {(e["ErrorCode"], e["ResponseCode"], e["ResponsePagePath"]) for e in config["CustomErrorResponses"]} == {
        (403, 200, "/console/index.html"), (404, 200, "/console/index.html")}
    [headers] = _of(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    security = headers["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    policy = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert policy == content_security_policy("https://api.gonghui.example.cn")
    assert "connect-src 'self' https://api.gonghui.example.cn;" in policy
    assert security["FrameOptions"]["FrameOption"] == "SAMEORIGIN"
    # the files bucket's policy lets only CloudFront read
    reads = [s for p in _of(resources, "AWS::S3::BucketPolicy") for s in p["PolicyDocument"]["Statement"]
             if s.get("Effect") == "Allow" and "s3:GetObject" in str(s.get("Action"))]
    assert reads and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in reads)
