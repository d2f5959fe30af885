"""The union console's static hosting: a private S3 bucket behind CloudFront with Origin Access
Control (no public bucket, no website endpoint), the console at ``/console/`` with every deep
link answered by its ``index.html``, and the strict Content-Security-Policy of the local stack
(``local/console.py``) as a CloudFront response-headers policy.

Independent of the uploads bucket and of every other stack (no cross-stack reference). The
built files (``make console``) are uploaded after the stack exists::

    aws s3 sync console/dist s3://<ConsoleBucket>/console/ --delete
    # and config.json with the stage's API URL: {"api_base": "https://<api domain>/api"}

Per stage in ``infra/stages.json``: ``api_base`` (the API's URL the console calls; its origin
is the CSP's ``connect-src``) and ``console_origin`` (the console's address, which the API's
CORS allows: ``GONGHUI_CORS_ORIGINS``).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from aws_cdk import CfnOutput, Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from infra.target import Target
from local.console import SECURITY_HEADERS, content_security_policy

INDEX = "/console/index.html"


def api_origin(api_base: str) -> str:
    parts = urlsplit(api_base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ConsoleStack(Stack):
    def __init__(self, scope: Construct, target: Target, **kwargs: Any) -> None:
        super().__init__(scope, f"{target.stage}-console", stack_name=f"{target.prefix}-console",
                         description=f"数智工会 Gonghui {target.stage}: union console (S3 + CloudFront)", **kwargs)
        removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY
        logs = s3.Bucket(
            self, "ConsoleAccessLogs", bucket_name=f"{target.prefix}-console-logs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True, versioned=True, removal_policy=removal,
            # CloudFront standard logs are delivered with an ACL: the log bucket keeps ACLs enabled.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(400),
                                              noncurrent_version_expiration=Duration.days(30))])
        logs_cfn: s3.CfnBucket = logs.node.default_child  # type: ignore[assignment]
        logs_cfn.cfn_options.metadata = {"checkov": {"skip": [
            {"id": "CKV_AWS_18", "comment": "the access-log bucket itself: logging it would log its own logging"}]}}
        self.bucket = s3.Bucket(
            self, "ConsoleFiles", bucket_name=f"{target.prefix}-console",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True, versioned=True, object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=removal, server_access_logs_bucket=logs, server_access_logs_prefix="files/",
            lifecycle_rules=[s3.LifecycleRule(id="old-builds", noncurrent_version_expiration=Duration.days(30))])
        policy = cloudfront.ResponseHeadersPolicy(
            self, "ConsoleHeaders", response_headers_policy_name=f"{target.prefix}-console-csp",
            comment="数智工会 console: strict CSP and security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(api_origin(target.console_api_base)),
                    override=True),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.SAMEORIGIN, override=True),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.SAME_ORIGIN, override=True),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365), include_subdomains=True, override=True)))
        assert SECURITY_HEADERS["X-Frame-Options"] == "SAMEORIGIN"  # the same headers as the local stack
        self.distribution = cloudfront.Distribution(
            self, "Console", comment=f"{target.prefix} union console",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=policy),
            default_root_object="console/index.html",
            # deep links (/console/aid) are not objects: the app's index.html answers them
            error_responses=[cloudfront.ErrorResponse(http_status=status, response_http_status=200,
                                                      response_page_path=INDEX, ttl=Duration.seconds(10))
                             for status in (403, 404)],
            enable_logging=True, log_bucket=logs, log_file_prefix="cloudfront/",
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021)
        cfn: cloudfront.CfnDistribution = self.distribution.node.default_child  # type: ignore[assignment]
        cfn.cfn_options.metadata = {"checkov": {"skip": [
            {"id": "CKV_AWS_68", "comment": "WAF: static files only; every API call is authorised by the API itself"},
            {"id": "CKV2_AWS_47", "comment": "WAF (Log4j rule): no WAF on a static-file distribution (see CKV_AWS_68)"},
            {"id": "CKV_AWS_174", "comment": "TLS 1.2 is set; checkov reads it only with a custom certificate"},
            {"id": "CKV2_AWS_42", "comment": "custom domain and certificate are the operator's (ICP filing in China)"},
            {"id": "CKV_AWS_310", "comment": "origin failover: one private bucket is the only origin"},
            {"id": "CKV_AWS_374", "comment": "geo restriction: staff use the console from wherever they work"},
        ]}}
        CfnOutput(self, "ConsoleUrl", value=f"https://{self.distribution.distribution_domain_name}/console/")
        CfnOutput(self, "ConsoleBucketName", value=self.bucket.bucket_name)
