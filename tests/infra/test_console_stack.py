"""The union console's hosting (infra/stacks/console.py) in every target: a private bucket that
only its CloudFront distribution reads (Origin Access Control), HTTPS only, the console's
deep links answered by its index.html, and exactly the local stack's Content-Security-Policy
(local/console.py) as the response-headers policy — what the browser tests run under locally
is what staff get in AWS."""
from __future__ import annotations

from typing import Any

from local.console import content_security_policy

from .support import Synth


def _console(target: Synth) -> dict[str, Any]:
    [name] = [n for n in target.stacks if n.endswith("-console")]
    return target.stacks[name]["Resources"]


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r["Properties"] for r in resources.values() if r["Type"] == kind]


def test_the_console_is_served_by_cloudfront_from_a_private_bucket_with_the_strict_policy(target: Synth) -> None:
    resources = _console(target)
    buckets = _of(resources, "AWS::S3::Bucket")
    assert all(b["PublicAccessBlockConfiguration"] == {
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
    assert security["ContentSecurityPolicy"]["ContentSecurityPolicy"] == content_security_policy("")
    assert security["FrameOptions"]["FrameOption"] == "SAMEORIGIN"
    # the bucket policy lets only this distribution read
    policies = _of(resources, "AWS::S3::BucketPolicy")
    reads = [s for p in policies for s in p["PolicyDocument"]["Statement"]
             if s.get("Effect") == "Allow" and "s3:GetObject" in str(s.get("Action"))]
    assert reads and all(s["Principal"] == {"Service": "cloudfront.amazonaws.com"} for s in reads)
