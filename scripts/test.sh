#!/usr/bin/env bash
# Builds the solution in Release and runs every test project; ends with one line
# "N passed, N failed" totalled over all test projects.
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp)
started_pg=""
cleanup() {
  rm -f "$log"
  if [ -n "$started_pg" ]; then ./scripts/postgres.sh stop >/dev/null 2>&1 || true; fi
  # Stops dockerd only if scripts/containers.sh started it, and only once no container runs.
  ./scripts/containers.sh stop-engine >/dev/null 2>&1 || true
}
trap cleanup EXIT

if ! ./scripts/install-packages.sh; then
  echo "could not install the Debian packages the tests need (scripts/test-packages.txt)"
  echo "0 passed, 1 failed"
  exit 1
fi

# The cluster tests need PostgreSQL: use BUCKETS_TEST_POSTGRES when given, else start a throwaway
# server on 127.0.0.1 (installed from Debian's packages when missing) and stop it at the end.
if [ -z "${BUCKETS_TEST_POSTGRES:-}" ]; then
  if BUCKETS_TEST_POSTGRES=$(./scripts/postgres.sh start | tail -n 1); then
    export BUCKETS_TEST_POSTGRES
    started_pg=1
  else
    echo "could not start PostgreSQL for the cluster tests"
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

if ! dotnet build Buckets.sln -c Release 2>&1 | tee "$log" | grep -E "error|Build succeeded|Warn|Time Elapsed"; then
  :
fi
if ! grep -q "Build succeeded" "$log"; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# Unit, in-process cluster, HTTP and deployment tests first; then the end-to-end tests, which start
# real server processes, alone so they do not compete with the others for the machine's cores; then
# the container tests, which build the images from their Dockerfiles and run the cluster from them.
dotnet test Buckets.sln -c Release --no-build --filter "Category!=E2E&Category!=Container" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
dotnet test tests/Buckets.EndToEnd.Tests -c Release --no-build --filter "Category!=Container" 2>&1 | tee -a "$log"
e2e_status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$e2e_status

# The engine and the images (base images made once and kept while the machine keeps them). A failure
# here is not the end: the container tests then fail and say why, and are counted.
containers_started=$SECONDS
./scripts/containers.sh build || echo "scripts/containers.sh build failed; the container tests will fail"
dotnet test tests/Buckets.EndToEnd.Tests -c Release --no-build --filter "Category=Container" 2>&1 | tee -a "$log"
container_status=${PIPESTATUS[0]}
[ "$status" -ne 0 ] || status=$container_status
echo "container step (engine, images, container tests): $((SECONDS - containers_started)) s"

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host crashed or a project reported no summary: count it as a failure.
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
