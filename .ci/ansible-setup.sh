#!/usr/bin/env bash
# CI: install ansible-playbook from Debian's packages when missing, for test/ansible/playbook.test.ts (which
# fails under CI=true without it). ansible-core (~8 MB) is the smallest package that has ansible-playbook; the
# `ansible` package adds ~250 MB of collections the playbook does not use.
set -euo pipefail

if command -v ansible-playbook >/dev/null 2>&1; then
  exit 0
fi
echo "ansible-playbook not found: installing ansible-core from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends ansible-core >/dev/null
ansible-playbook --version | head -1
