/*
 * csvread.h: the old name of base/csv.h, kept only for cli/cmd_import.c and
 * cli/cmd_unit.c while their move into survey/ is under way on another
 * branch.  Delete this file once nothing includes it (grep csvread.h).
 */
#include "base/csv.h"
