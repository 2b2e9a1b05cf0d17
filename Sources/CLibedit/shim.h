#ifndef TRQ_CLIBEDIT_SHIM_H
#define TRQ_CLIBEDIT_SHIM_H
#include <stdio.h>
#include <editline/readline.h>
#endif
