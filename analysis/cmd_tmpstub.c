#include "cli.h"
#include "commands.h"
int cmd_report(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
int cmd_demo(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
int cmd_export(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
int cmd_token(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
int cmd_run(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
int cmd_serve(int argc, char **argv) { (void)argc; (void)argv; cli_error("not built yet"); return 1; }
