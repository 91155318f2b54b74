#!/bin/bash
# Submits a docpipe run over N Slurm array tasks and the merge after them
# (docs/cluster.md):
#
#   pipelines/slurm/submit.sh N PIPELINE INPUT OUTROOT
#
# Extra sbatch options (partition, account) go in SBATCH_* variables or
# ~/.slurm defaults; DOCPIPE (the executable) and DOCPIPE_AGENCY_ALIASES are
# passed to the tasks (sbatch exports the environment).
set -euo pipefail
if [ $# -ne 4 ]; then
  echo "usage: $0 N PIPELINE INPUT OUTROOT" >&2
  exit 64
fi
n=$1 pipeline=$2 input=$3 outroot=$4
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$outroot"
array=$(sbatch --parsable --array="0-$((n - 1))" "$here/docpipe-shard.sbatch" "$pipeline" "$input" "$outroot")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" "$here/docpipe-merge.sbatch" "$outroot" "$n")
echo "shards: job $array (array 0-$((n - 1))); merge: job $merge -> $outroot/merged"
