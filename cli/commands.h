/*
 * commands: the entry point of every command, one per cmd_X.c file.
 * Each takes the arguments after the global options (argv[0] is the
 * command's name) and returns the exit status.
 */
#ifndef GS_COMMANDS_H
#define GS_COMMANDS_H

int cmd_init(int argc, char **argv);
int cmd_form(int argc, char **argv);
int cmd_unit(int argc, char **argv);
int cmd_wave(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
