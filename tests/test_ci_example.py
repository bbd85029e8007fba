"""The example workflow a user copies (.github/workflows/concbench-ab.yml) runs: its steps, read
from the file, in a clean clone of this repository, as GitHub's runner would run them (bash -eo
pipefail, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, each step after a failure only if it says
always()). Left out: the hosting service's own actions (checkout, which the clone stands for;
upload-artifact), the step that talks to its API (the pull-request comment, GH_TOKEN) and the
container's own apt-get (this machine has the packages). The two builds are stood in for by
scripts/ab's --binary-a/--binary-b, given in CONCBENCH_AB_ARGS, the workflow's own hook: a
stand-in concbench (tests/test_ab.py's) so that the verdict is the same on every machine."""
import os
import pathlib
import re
import subprocess

import pytest

from test_ab import FAKE, NOISY, OTHER, STEADY

yaml = pytest.importorskip("yaml")  # python3-yaml (scripts/setup --test)

ROOT = pathlib.Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "concbench-ab.yml"


def expand(text, values, outputs):
    """The workflow's ${{ ... }} expressions, as GitHub would fill them here."""
    def one(m):
        expr = m.group(1).strip()
        if expr.startswith("steps.") and ".outputs." in expr:
            step, key = expr.split(".")[1], expr.split(".")[-1]
            return outputs.get(step, {}).get(key, "")
        return values.get(expr, "")
    return re.sub(r"\$\{\{(.*?)\}\}", one, text)


def test_the_example_workflow_runs_in_a_clean_clone(tmp_path):
    if subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True).returncode != 0:
        pytest.skip("not a git checkout")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    sha = subprocess.run(["git", "-C", str(clone), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    fake = tmp_path / "concbench"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    flt = f"^({STEADY}|{NOISY}|{OTHER})$".replace("/real_time", "").replace("$", "(/real_time)?$")
    values = {"github.event.pull_request.base.sha": sha, "github.sha": sha,
              "github.event.pull_request.number": "1", "github.token": "none",
              "vars.CONCBENCH_AB_ARGS": f"--binary-a {fake} --binary-b {fake} --rounds 3 "
                                        f"--benchmark_filter={flt}"}
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["ab"]
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env = dict(os.environ, GITHUB_WORKSPACE=str(clone), GITHUB_STEP_SUMMARY=str(summary),
               GITHUB_REPOSITORY="example/concbench", FAKE_STATE=str(tmp_path / "state"),
               CONCBENCH_SPIN_RATE="600", GIT_CONFIG_GLOBAL=str(tmp_path / "gitconfig"))
    env.update({k: expand(str(v), values, {}) for k, v in job.get("env", {}).items()})
    outputs, failed, ran = {}, False, []
    for step in job["steps"]:
        if "uses" in step or "GH_TOKEN" in step.get("env", {}) or step["run"].lstrip().startswith("apt-get"):
            continue
        if failed and "always()" not in str(step.get("if", "")):
            continue
        output.write_text("")
        step_env = dict(env, GITHUB_OUTPUT=str(output),
                        **{k: expand(str(v), values, outputs) for k, v in step.get("env", {}).items()})
        script = expand(step["run"], values, outputs)
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=clone,
                           env=step_env, capture_output=True, text=True, timeout=900)
        ran.append((step["name"], r.returncode))
        if "id" in step:
            outputs[step["id"]] = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        failed = failed or r.returncode != 0
        assert r.returncode == 0, (step["name"], r.stdout[-2000:], r.stderr[-2000:])
    names = [n for n, _ in ran]
    assert names == ["Trust the checkout (owned by another user than the container's root)", "Dependencies",
                     "A/B run and verdict", "Job summary", "Gate"], ran
    assert outputs["ab"]["status"] == "0"
    text = summary.read_text()
    assert "No regression" in text and "Rounds per benchmark" in text
    assert (clone / "results" / "ab" / "verdicts.json").exists()
