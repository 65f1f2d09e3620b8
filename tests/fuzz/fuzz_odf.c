/* fuzz_odf.c - libFuzzer harness: lg_odf_extract() (ods, odt, odp); the harness is fuzz_document.h */
#define FUZZ_NAME "fuzz_odf"
#define FUZZ_EXTRACT lg_odf_extract
#include "fuzz_document.h"
