#!/usr/bin/env bash
# Chaos rounds against a real local cluster: three silo processes and three backup servers sharing a
# throwaway PostgreSQL on 127.0.0.1. Each round kills (SIGKILL) a random silo, a random backup server,
# or a random backup server and deletes its data directory (a lost disk), in the middle of a bounded
# write load, restarts it, and checks the invariants (every bucket answers again, no acknowledged
# critical write lost, nothing acknowledged after the crash lost, a backup-server crash with or
# without its disk loses nothing, a wiped server resyncs, backup files verify clean, the critical
# buckets' history is linearizable). Prints one table with what was acknowledged and lost per class,
# and for each silo killed a timeline of its recovery in seconds after the kill (first missed probe,
# first vote and death in the membership table, the survivors' new view, directory lease and range
# recovery, first bucket rehydrated, first and last bucket answering; "-" where a step was not seen).
#
#   tests/chaos/run-chaos.sh [ROUNDS] [SEED]        (defaults: 5 rounds, random seed)
#   BUCKETS_CHAOS_VICTIMS=backup-wiped,silo tests/chaos/run-chaos.sh 2   (victim kinds in turn:
#                                                    silo, backup, backup-wiped; default random)
#   BUCKETS_CHAOS_MEMBERSHIP=ProbeTimeout=00:00:05,NumMissedProbesLimit=3,RangeLeaseDuration=00:00:30 \
#   BUCKETS_CHAOS_RECOVERY_BOUND=60 tests/chaos/run-chaos.sh 2    (other failure-detection settings,
#                                                    here Orleans' own defaults, with a longer bound)
#   BUCKETS_CHAOS_LOGS=DIR keeps every process's JSON log of each round in DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=${1:-5}
seed=${2:-$RANDOM}
report=$(mktemp)
trap 'rm -f "$report"' EXIT

dotnet build Buckets.sln -c Release -v quiet -nologo >/dev/null
BUCKETS_TEST_POSTGRES=$(./scripts/postgres.sh start | tail -n 1)
export BUCKETS_TEST_POSTGRES BUCKETS_CHAOS_ROUNDS=$rounds BUCKETS_CHAOS_SEED=$seed BUCKETS_CHAOS_REPORT=$report

# Each round is bounded: 3+3 write rounds over 180 buckets and a 10 s recovery deadline.
if dotnet test tests/Buckets.EndToEnd.Tests -c Release --no-build \
     --filter "FullyQualifiedName~ChaosTests.ChaosRoundsKeepEveryInvariant" --logger "console;verbosity=minimal"; then
  outcome="all invariants held"
else
  outcome="an invariant FAILED (see the test output above)"
fi

echo
echo "Chaos: $rounds rounds, seed $seed: $outcome"
cat "$report"
