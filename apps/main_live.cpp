// migsim-live: the migsim commands that talk to libvirt (apps/live_commands.hpp), the
// only executable that links libvirt. Users run them as `migsim <command>`, which execs
// this binary from the same directory; it parses and reports exactly as migsim does.
#include "apps/commands.hpp"

int main(int argc, char** argv) { return migsim::cli::run_cli(argc, argv); }
