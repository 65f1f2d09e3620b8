/* fuzz_pdf.c - libFuzzer harness: lg_pdf_extract() (PDF text per page); the harness is fuzz_document.h */
#define FUZZ_NAME "fuzz_pdf"
#define FUZZ_EXTRACT lg_pdf_extract
#include "fuzz_document.h"
