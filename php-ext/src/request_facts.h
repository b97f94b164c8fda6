/* The request's facts from the SAPI and $_SERVER: what the root span says about the request. */
#ifndef OPA_REQUEST_FACTS_H
#define OPA_REQUEST_FACTS_H

#include "php.h"
#include "zend_smart_str.h"

zend_string *opa_server_var(const char *name);        /* $_SERVER[name] if a string */
int opa_response_status(bool web);                    /* the response code (200 when a web request set none) */
void opa_request_name_json(smart_str *b, bool web);   /* "METHOD /path" (no query), or the script (CLI) */
/* {"method","uri" (redacted),"host","scheme","ip" (opa.trusted_proxy_header),"user_agent","status","headers"} */
void opa_http_request_json(smart_str *b, int status);

#endif
