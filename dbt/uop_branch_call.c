/* dbt/uop_branch.c compiled again as plain calls for the native backend
 * (DBT_CALL_VARIANT in dbt/uops.h): one source for both backends. */
#define DBT_CALL_VARIANT 1
#include "dbt/uop_branch.c"
