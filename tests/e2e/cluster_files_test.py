"""The cluster files of pipelines/ (docs/cluster.md): the Slurm scripts pass
`bash -n`, the Kubernetes manifests parse as YAML and are Indexed Jobs whose
shard count matches `completions`; and the commands they hold, run here as
the scheduler would run them (the array task's or the pod's environment set
by hand: no Slurm or Kubernetes in the test), give after the merge the same
values.csv and summary.xlsx, byte for byte, as one run."""
import filecmp, glob, os, shutil, subprocess, sys, tempfile
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runs import run_docpipe
import runs

exe, src = sys.argv[1], sys.argv[2]
slurm, kube = os.path.join(src, 'pipelines', 'slurm'), os.path.join(src, 'pipelines', 'kubernetes')
pipeline = os.path.join(src, 'pipelines', 'annual-reports.xml')
errors = []


check = runs.checker(errors)


for script in sorted(glob.glob(os.path.join(slurm, '*'))):
    r = subprocess.run(['bash', '-n', script], capture_output=True, text=True)
    check(r.returncode == 0, f'bash -n {script}: {r.stderr}')
    check(os.access(script, os.X_OK), f'{script} is not executable')

jobs = {}
for f in sorted(glob.glob(os.path.join(kube, '*.yaml'))):
    docs = list(yaml.safe_load_all(open(f, encoding='utf-8')))
    check(len(docs) == 1 and docs[0]['kind'] == 'Job' and docs[0]['apiVersion'] == 'batch/v1', f'{f}: not one Job')
    jobs[os.path.basename(f)] = docs[0]
shards_job, merge_job = jobs['docpipe-shards.yaml'], jobs['docpipe-merge.yaml']
spec = shards_job['spec']
container = spec['template']['spec']['containers'][0]
env = {e['name']: e['value'] for e in container['env']}
check(spec['completionMode'] == 'Indexed' and int(env['DOCPIPE_SHARDS']) == spec['completions'],
      f'shards job: {spec["completionMode"]}, {env["DOCPIPE_SHARDS"]} shards, {spec["completions"]} completions')
check('JOB_COMPLETION_INDEX' in container['args'][0], 'the pods do not read JOB_COMPLETION_INDEX')
merge_container = merge_job['spec']['template']['spec']['containers'][0]
check({e['name']: e['value'] for e in merge_container['env']}['DOCPIPE_SHARDS'] == env['DOCPIPE_SHARDS'],
      'the merge job expects another number of shards')

with tempfile.TemporaryDirectory() as tmp:
    inp = os.path.join(tmp, 'in')
    os.makedirs(inp)
    for i, f in enumerate(sorted(glob.glob(os.path.join(src, 'tests', 'e2e', 'seeds', '*.txt')))):
        for copy in range(2):
            shutil.copy(f, os.path.join(inp, f'{copy}-{os.path.basename(f)}'))
    single = os.path.join(tmp, 'single')
    r, s = run_docpipe(exe, 'run', pipeline, '-i', inp, '-o', single)
    check(r.returncode == 0, f'single run: {r.returncode} {r.stderr[-300:]}')

    def same(merged, what):
        _, diff, err = filecmp.cmpfiles(single, merged, ['values.csv', 'summary.xlsx'], shallow=False)
        check(not diff and not err, f'{what}: merged differs from one run: {diff} {err}')

    # Slurm: two array tasks, then the merge script.
    root = os.path.join(tmp, 'slurm')
    base_env = dict(os.environ, DOCPIPE=exe)
    for i in range(2):
        r = subprocess.run(['bash', os.path.join(slurm, 'docpipe-shard.sbatch'), pipeline, inp, root],
                           env=dict(base_env, SLURM_ARRAY_TASK_ID=str(i), SLURM_ARRAY_TASK_COUNT='2',
                                    SLURM_CPUS_PER_TASK='1'), capture_output=True, text=True)
        check(r.returncode == 0, f'slurm task {i}: {r.returncode} {r.stderr[-300:]}')
    r = subprocess.run(['bash', os.path.join(slurm, 'docpipe-merge.sbatch'), root, '2'], env=base_env,
                       capture_output=True, text=True)
    check(r.returncode == 0, f'slurm merge: {r.returncode} {r.stderr[-300:]}')
    same(os.path.join(root, 'merged'), 'slurm')

    # Kubernetes: the pods' command with their environment, for every index, then the merge job's.
    root = os.path.join(tmp, 'kube')
    pod_env = dict(base_env, **env)
    pod_env.update(DOCPIPE_PIPELINE=pipeline, DOCPIPE_INPUT=inp, DOCPIPE_OUTPUT=root)  # the volume here
    for i in range(spec['completions']):
        r = subprocess.run(container['command'] + [container['args'][0]],
                           env=dict(pod_env, JOB_COMPLETION_INDEX=str(i)), capture_output=True, text=True)
        check(r.returncode == 0, f'pod {i}: {r.returncode} {r.stderr[-300:]}')
    r = subprocess.run(merge_container['command'] + [merge_container['args'][0]], env=pod_env,
                       capture_output=True, text=True)
    check(r.returncode == 0, f'merge pod: {r.returncode} {r.stderr[-300:]}')
    same(os.path.join(root, 'merged'), 'kubernetes')

for e in errors:
    print('FAIL:', e)
print('cluster files:', 'ok' if not errors else f'{len(errors)} failures')
sys.exit(1 if errors else 0)
