#!/usr/bin/env sh
# Posts a JSON body signed as Paystack signs its webhooks: the HMAC-SHA512 of the raw bytes, in hex,
# in a header. Prints the answer's status line, headers and body; fails on a 4xx or 5xx.
# Usage: examples/send-signed-webhook.sh <url> <secret> <json-body> [signature-header]
#   examples/send-signed-webhook.sh localhost:8080/api/webhook/paystack/charge sk_test_123 '{"event":"charge.success"}'
set -eu
if [ $# -lt 3 ]; then
  sed -n 4,5p "$0" >&2
  exit 2
fi
url=$1
secret=$2
body=$3
header=${4:-x-paystack-signature}
signature=$(printf %s "$body" | openssl dgst -sha512 -hmac "$secret" | sed 's/^.*= //')
curl -sS -i --fail-with-body "$url" -H 'content-type: application/json' -H "$header: $signature" --data-binary "$body"
echo
