#!/bin/sh
# The long API fuzz run (test/fuzz): FUZZ_RUNS runs per operation (default 1000, about 110,000
# requests), seed FUZZ_SEED (default: a new one each run, printed so a failure can be replayed).
# Extra arguments go to jest, e.g. `npm run fuzz -- -t checkout` for one operation.
set -eu
runs="${FUZZ_RUNS:-1000}"
seed="${FUZZ_SEED:-$(date +%s)}"
echo "fuzz: ${runs} runs per operation, seed ${seed}; replay with FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz"
FUZZ_RUNS="$runs" FUZZ_SEED="$seed" exec npm test -- test/fuzz "$@"
