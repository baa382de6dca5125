#include "cli.h"
#include "commands.h"
