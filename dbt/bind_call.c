/* dbt/bind.c compiled again, binding the call variant of the micro-ops
 * (DBT_CALL_VARIANT in dbt/uops.h) for the native backend. */
#define DBT_CALL_VARIANT 1
#include "dbt/bind.c"
