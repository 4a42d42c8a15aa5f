// main() for every doctest test target (depend on //third_party:doctest_main).
//
// `bazel test --test_filter=PATTERN` reaches the test as TESTBRIDGE_TEST_ONLY; it selects test
// cases by name with doctest's wildcards, e.g. --test_filter='every design*'.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>

int main(int argc, char** argv) {
  doctest::Context context;
  if (const char* filter = std::getenv("TESTBRIDGE_TEST_ONLY"); filter != nullptr) {
    context.setOption("test-case", filter);
  }
  context.applyCommandLine(argc, argv);
  return context.run();
}
