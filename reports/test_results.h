// Hand-built scenario results for the report tests: one scenario that is as expected under every
// design but one (with a full violation trace), one with a run that is not modelled yet, one cut
// by the state budget and one sampled.
#pragma once

#include <vector>

#include "sim/result/result.h"

namespace crashsim::testing {

inline ModelResult CleanModel(Design design) {
  ModelResult model;
  model.design = design;
  model.distinct_states = 12;
  model.distinct_images = 30;
  return model;
}

inline Violation MsyncViolation() {
  Violation violation;
  violation.name = "msync";
  violation.promise = "P2.ms: msync m 4096 4096 sync returned 0";
  violation.schedule = {
      {"P2", "fd = open /f rw", "fd"},
      {"P2", "m = mmap fd 0 8192 shared", "m"},
      {"P2", "store m+4096 'Y'", ""},
      {"P2", "ms: msync m 4096 4096 sync", "0"},
  };
  violation.crash_point = "after step 4 (P2 msync returned)";
  violation.lost = {{"pmem-line", "line 64 of /f (store by P2 at 4096)"}};
  violation.observed = "/f[4096:4097] = 00";
  violation.expected = "/f[4096:4097] = 'Y' (59)";
  violation.state = {"/f line 64: visible 'Y', media 00, not flushed", "journal: durable prefix 3"};
  violation.persist_graph = {
      {"journal", "transaction 1: seal /f", false, {}},
      {"device-write", "pmem line 64 bytes 4096+1: P2 store m+4096 'Y'", true, {}},
      {"journal", "transaction 2: \"msync\" log force", false, {0}},
  };
  return violation;
}

inline Violation AssertionViolation() {
  Violation violation;
  violation.name = "y-durable";
  violation.promise = "y-durable after P2.ms: /f[4096:4097] == 'Y'";
  violation.schedule = MsyncViolation().schedule;
  violation.crash_point = "after step 4 (P2 msync returned)";
  violation.lost = MsyncViolation().lost;
  violation.observed = "/f[4096:4097] = 00";
  violation.expected = "/f[4096:4097] = 'Y' (59)";
  return violation;
}

// mixed-mode-fsync: expects {msync, y-durable} under daxfile-untracked, clean elsewhere; the run
// under daxfile-untracked found only msync, so that cell differs.
inline ScenarioResult MixedModeResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/mixed-mode-fsync.json";
  scenario.name = "mixed-mode-fsync";
  scenario.doc = "One process flushes from userspace, another relies on fsync.";
  scenario.config_summary = "platform=adr fs=xfs";
  for (Design design : kAllDesigns) {
    ModelResult model = CleanModel(design);
    if (design == Design::kDaxfileUntracked) {
      model.violated = {"msync"};
      model.expected = {"msync", "y-durable"};
      model.violations = {MsyncViolation()};
    }
    scenario.models.push_back(model);
  }
  return scenario;
}

// commit-store: a violated assertion with the fixes tried for it, one not enough and one verified,
// under the scenario's two designs with the same trace (one group, "all designs").
inline ScenarioResult FixResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/commit-store.json";
  scenario.name = "commit-store";
  scenario.config_summary = "platform=adr fs=xfs";
  Violation violation = AssertionViolation();
  FixAttempt not_enough;
  not_enough.process = "P2";
  not_enough.position = 3;
  not_enough.ops = {"persist k+0 8"};
  not_enough.missing = "no `persist k+0 8` between step 2 (P2: store k+0 'A') and step 3 (P2: "
                       "store k+64 'B'): pmem line 1 can persist before pmem line 0";
  not_enough.outcome = FixAttempt::Outcome::kNotEnough;
  FixAttempt verified = not_enough;
  verified.ops = {"dir = open /d ro", "fsync dir"};
  verified.outcome = FixAttempt::Outcome::kVerified;
  violation.fix = {not_enough, verified};
  for (Design design : {Design::kKernelTracked, Design::kMapSync}) {
    ModelResult model = CleanModel(design);
    model.violated = model.expected = {violation.name};
    model.violations = {violation};
    scenario.models.push_back(model);
  }
  return scenario;
}

// buffered-fsync: no DAX file, so every design runs the same kernel path and finds the same fsync
// violation with the same trace; the matrix and the traces show it once.
inline ScenarioResult SameUnderEveryDesignResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/buffered-fsync.json";
  scenario.name = "buffered-fsync";
  scenario.config_summary = "platform=adr fs=xfs";
  for (Design design : kAllDesigns) {
    ModelResult model = CleanModel(design);
    model.violated = {"msync"};
    model.expected = {"msync"};
    model.violations = {MsyncViolation()};
    scenario.models.push_back(model);
  }
  return scenario;
}

// reflink-seal: runs under the two daxfile designs; reflink is not modelled yet under one.
inline ScenarioResult NotModelledResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/reflink-seal.json";
  scenario.name = "reflink-seal";
  scenario.config_summary = "platform=adr fs=xfs";
  ModelResult tracked = CleanModel(Design::kDaxfileTracked);
  tracked.not_modelled = "/processes/P1/2: not modelled yet: reflink";
  ModelResult untracked = CleanModel(Design::kDaxfileUntracked);
  untracked.violated = {"y-durable"};
  untracked.expected = {"y-durable"};
  untracked.violations = {AssertionViolation()};
  scenario.models = {untracked, tracked};
  return scenario;
}

inline ScenarioResult BudgetResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/big/many-writers.json";
  scenario.name = "many-writers";
  scenario.config_summary = "platform=adr fs=xfs";
  ModelResult model = CleanModel(Design::kKernelTracked);
  model.coverage = Coverage::kBudgetExhausted;
  model.distinct_states = 1000;
  model.budget_stops = {BudgetStop{BudgetStop::Kind::kStates, 1000, "",
                                   "after step 12 (P3: pwrite fd 0 'C')", 12, 1000}};
  scenario.models = {model};
  return scenario;
}

// A run whose assertion's joint images ran over the per-assertion cap at one crash point.
inline ScenarioResult ImageBudgetResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/wide-store.json";
  scenario.name = "wide-store";
  scenario.config_summary = "platform=adr fs=xfs";
  ModelResult model = CleanModel(Design::kMapSync);
  model.coverage = Coverage::kBudgetExhausted;
  model.distinct_states = 9;
  model.distinct_images = 65545;
  model.budget_stops = {BudgetStop{BudgetStop::Kind::kImages, 65536, "flag-implies-data",
                                   "after step 6 (P1: store m+512 0x01)", 6, 65536}};
  scenario.models = {model};
  return scenario;
}

// One run that a bug in crashsim ended, one that a signal stopped, one never started.
inline ScenarioResult FailedAndInterruptedResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/truncate-races-fault.json";
  scenario.name = "truncate-races-fault";
  scenario.config_summary = "platform=adr fs=xfs";
  ModelResult failed = CleanModel(Design::kMapSync);
  failed.coverage = Coverage::kInternalError;
  failed.distinct_states = 17;
  failed.internal_error = InternalFailure{
      "std::out_of_range: map::at", "taking step 3 (P2: store m+0 'X' (inner step 2))",
      {{"P1", "fd = open /f rw", "0"}, {"P2", "store m+0 'X' [DAX write fault on page 0]", ""}}};
  ModelResult stopped = CleanModel(Design::kDaxfileTracked);
  stopped.coverage = Coverage::kInterrupted;
  stopped.distinct_states = 5;
  ModelResult unrun = CleanModel(Design::kPerVma);
  unrun.coverage = Coverage::kInterrupted;
  scenario.models = {failed, stopped, unrun};
  return scenario;
}

inline ScenarioResult SampledResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/big/sampled.json";
  scenario.name = "sampled";
  scenario.config_summary = "platform=adr fs=xfs";
  ModelResult model = CleanModel(Design::kPerVma);
  model.coverage = Coverage::kSampled;
  model.sample_seed = 42;
  scenario.models = {model};
  return scenario;
}

// A scenario whose every text is hostile to some output format: markup, quotes, pipes, backticks,
// newlines, control characters and bytes that are not UTF-8. Its one run found a violation that
// `expect` does not name, with a background and a hardware step in its trace.
inline ScenarioResult HostileResult() {
  ScenarioResult scenario;
  scenario.path = "scenarios/<x&y>\"q\".json";
  scenario.name = "a|b<i>`c`</i>&\"d\"";
  scenario.doc = "line one\nline two ]]> --> \x01";
  scenario.config_summary = "platform=adr";
  ModelResult model = CleanModel(Design::kMapSync);
  model.violated = {"fsync<&>"};
  Violation violation;
  violation.name = "fsync<&>";
  violation.promise = "P1.s: fsync fd returned 0 <script>alert(1)</script>";
  violation.schedule = {
      {"P1", "pwrite fd 0 '|*_`x`_*|'", "1"},
      {"background", "writeback of /f page 0 submitted", ""},
      {"hardware", "P1's store buffer drains its oldest entry", ""},
      {"P1", "s: fsync fd\nsecond line", "0"},
  };
  violation.crash_point = "after step 4 (P1: s: fsync fd)";
  violation.lost = {{"device-write", "sector 0 of /f \"quoted\" \\ backslash"}};
  violation.observed = "/f[0:1] = \xff\xfe \x07 ```";
  violation.expected = "/f[0:1] = '|' & <b>";
  violation.state = {"line with ``` fence", "bad \xc3\x28 byte"};
  violation.persist_graph = {
      {"device-write", "sector 0 \"a\" \\ {b} <c>", true, {}},
      {"journal", "transaction 1\nnext", false, {0}},
  };
  model.violations = {violation};
  scenario.models = {model};
  return scenario;
}

}  // namespace crashsim::testing
