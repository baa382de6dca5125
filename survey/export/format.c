/*
 * export/format: export format names, aliases and file extensions (see
 * format.h).
 */
#include "survey/export/format.h"
#include "base/util.h"

#include <string.h>

int exp_format_parse(const char *name, exp_format_t *out)
{
    static const struct { const char *name; exp_format_t f; } names[] = {
        {"plain", EXP_PLAIN}, {"csv", EXP_CSV},   {"json", EXP_JSON}, {"sav", EXP_SAV},
        {"spss", EXP_SAV},    {"dta", EXP_DTA},   {"stata", EXP_DTA}, {"xlsx", EXP_XLSX},
        {"excel", EXP_XLSX},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (util_streq_ci(name, names[i].name)) {
            *out = names[i].f;
            return 0;
        }
    return -1;
}

const char *exp_format_name(exp_format_t f)
{
    static const char *const names[] = {"plain", "csv", "json", "sav", "dta", "xlsx"};
    return names[f];
}

int exp_format_from_path(const char *path, exp_format_t *out)
{
    const char *dot = strrchr(path, '.');
    if (!dot || strchr(dot, '/') || util_streq_ci(dot + 1, "plain"))
        return -1;
    return exp_format_parse(dot + 1, out);
}

int exp_format_binary(exp_format_t f)
{
    return f == EXP_SAV || f == EXP_DTA || f == EXP_XLSX;
}

int exp_added_columns(const exp_opts_t *o)
{
    return o && (o->unit_info || o->wave_column || o->scores);
}
