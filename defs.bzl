"""crash_scenario_test: a crashsim scenario as a Bazel test, its work spread over build actions.

    load("@crashsim//:defs.bzl", "crash_scenario_test")

    crash_scenario_test(
        name = "big_scenario_test",
        scenario = "big-scenario.json",
        shard_count = 8,
    )

makes `shard_count` build actions, each `crashsim run --shard I/N --no-fix --json` writing one
shard's report (cached, and spread over remote execution workers when the build has them), and one
test that joins them with `crashsim merge` and checks the merged verdict against the scenario's
`expect` exactly: the test passes when every model's verdict equals `expect` and every run was
exhaustive (docs/architecture.md, "Determinism and parallelism"; exit statuses as in
docs/architecture.md, "Command line").

A shard action fails the build only on invalid input (exit status 2: a scenario that does not
load, an op not modelled); a verdict, whatever it is, is the test's to judge.
"""

def crash_scenario_test(name, scenario, shard_count = 1, models = [], max_states = None, **kwargs):
    """Declares the shard actions and the merge test of one scenario.

    Args:
      name: the test's name.
      scenario: the scenario file (a label).
      shard_count: how many parts the scenario's states are split into (>= 1).
      models: run only these models (default: all the scenario names).
      max_states: budget of distinct machine states per model (default: none).
      **kwargs: passed to the test (size, tags, timeout, ...).
    """
    if shard_count < 1:
        fail("crash_scenario_test %s: shard_count must be at least 1, not %d" % (name, shard_count))
    crashsim = Label("//cli:crashsim")
    options = " ".join(["--model " + model for model in models])
    if max_states != None:
        options += " --max-states %d" % max_states
    shards = []
    for index in range(1, shard_count + 1):
        shard = "%s.shard-%d-of-%d.json" % (name, index, shard_count)
        native.genrule(
            name = "%s_shard_%d" % (name, index),
            srcs = [scenario],
            outs = [shard],
            tools = [crashsim],
            # The test judges verdicts only: no re-runs for fix suggestions.
            cmd = ("$(execpath %s) run --shard %d/%d --no-fix %s --json $@ $(location %s) " +
                   "> /dev/null; " +
                   "status=$$?; if [ $$status -eq 2 ]; then exit 2; fi") %
                  (crashsim, index, shard_count, options, scenario),
            visibility = ["//visibility:private"],
            testonly = True,
        )
        shards.append(":" + shard)
    # The scenario runs are build actions of the unsanitized host binary; engine_test runs every
    # bundled scenario in process under the sanitizers, so the sanitized build leaves these out.
    kwargs["tags"] = kwargs.get("tags", []) + ["no_asan"]
    native.sh_test(
        name = name,
        srcs = [Label("//cli:merge_shards_test.sh")],
        args = ["$(location %s)" % crashsim] + ["$(location %s)" % shard for shard in shards],
        data = [crashsim] + shards,
        **kwargs
    )
