// Writes the synthetic web dataset (tests/validation/web_fixture.hpp) to argv[1]: the input of
// the web report's CLI test and of the web-migration notebook when no real dataset exists.
#include <fstream>
#include <iostream>

#include "tests/validation/web_fixture.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: write_web_fixture OUT.jsonl\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  out << migsim::testing::synthetic_web_dataset();
  return out.good() ? 0 : 1;
}
