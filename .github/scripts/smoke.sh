#!/usr/bin/env bash
# Post-deploy smoke check of one environment, run by the Deploy workflow after
# `helm upgrade`; a non-zero exit makes the workflow roll the release back.
#   1. `helm test`: /readyz through the Service, from inside the cluster;
#   2. the API answers JSON through CloudFront (the public host);
#   3. the probes are not public: CloudFront/the ALB answer /readyz with 404;
#   4. the origin is locked: the ALB refuses a request without CloudFront's secret header.
# Needs RELEASE, NAMESPACE and PUBLIC_HOST, kubectl and helm configured for the cluster.
set -euo pipefail

: "${RELEASE:?}" "${NAMESPACE:?}" "${PUBLIC_HOST:?}"
curl_opts=(--silent --show-error --max-time 20 --retry 10 --retry-delay 6 --retry-all-errors)

echo "== helm test"
helm test "$RELEASE" -n "$NAMESPACE" --timeout 5m --logs

echo "== the API through https://${PUBLIC_HOST}"
body=$(curl "${curl_opts[@]}" --fail "https://${PUBLIC_HOST}/api/v2/pages/?limit=1")
jq -e '.meta.total_count >= 0' <<<"$body" >/dev/null

echo "== probes are not served publicly"
status=$(curl "${curl_opts[@]}" --output /dev/null --write-out '%{http_code}' "https://${PUBLIC_HOST}/readyz")
if [ "$status" != "404" ]; then
  echo "https://${PUBLIC_HOST}/readyz answered ${status}, expected 404" >&2
  exit 1
fi

echo "== the origin refuses requests that did not come through CloudFront"
alb=$(kubectl -n "$NAMESPACE" get ingress "$RELEASE" -o jsonpath='{.status.loadBalancer.ingress[0].hostname}')
if [ -z "$alb" ]; then
  echo "the Ingress has no ALB address yet" >&2
  exit 1
fi
# 403 from the app's origin check, or no connection at all where the ALB's security group
# admits CloudFront's addresses only (curl reports 000). A 2xx means the edge is open.
status=$(curl --silent --max-time 10 --insecure --output /dev/null --write-out '%{http_code}' \
  --header "Host: ${PUBLIC_HOST}" "https://${alb}/api/v2/pages/?limit=1" || true)
case "$status" in
  403 | 000) ;;
  *)
    echo "the ALB answered ${status} without the origin header, expected 403 or no connection" >&2
    exit 1
    ;;
esac
echo "smoke check passed"
