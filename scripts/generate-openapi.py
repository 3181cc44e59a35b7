#!/usr/bin/env python3
"""Writes the OpenAPI 3 document of Envoi's HTTPS API: assets/openapi.json (the readable copy kept in
the repo) and Sources/HTTPAPI/OpenAPIDocument+JSON.swift (the copy compiled into the binary and
served at /openapi.json). Run it after changing a route; HTTPAPITests fail when a route is missing
from the document or the two copies differ."""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def string(**extra):
    return {"type": "string", **extra}


def time():
    return string(format="date-time")


def enum(*values):
    return string(enum=list(values))


def obj(properties, required=()):
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return schema


TAGS = {"type": "object", "additionalProperties": string()}
DEFINED_TAGS = {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": string()}}
SENDER_STATES = ["CREATING", "ACTIVE", "NEEDS_ATTENTION", "INACTIVE", "FAILED", "DELETING", "DELETED", "UPDATING"]
DKIM_STATES = ["ACTIVE", "CREATING", "DELETING", "DELETED", "FAILED", "INACTIVE", "NEEDS_ATTENTION", "UPDATING"]
DOMAIN_STATES = ["ACTIVE", "CREATING", "DELETING", "DELETED", "FAILED", "UPDATING"]
REASONS = ["UNKNOWN", "HARDBOUNCE", "COMPLAINT", "MANUAL", "SOFTBOUNCE", "UNSUBSCRIBE"]
WR_STATUS = ["ACCEPTED", "IN_PROGRESS", "WAITING", "NEEDS_ATTENTION", "FAILED", "SUCCEEDED", "CANCELING", "CANCELED"]
WR_OPS = ["CREATE_DKIM", "DELETE_DKIM", "MOVE_DKIM", "UPDATE_DKIM", "CREATE_EMAIL_DOMAIN", "DELETE_EMAIL_DOMAIN",
          "MOVE_EMAIL_DOMAIN", "UPDATE_EMAIL_DOMAIN", "CREATE_RETURN_PATH", "DELETE_RETURN_PATH", "UPDATE_RETURN_PATH",
          "CREATE_IP_POOL", "UPDATE_IP_POOL", "DELETE_IP_POOL", "MOVE_IP_POOL"]

schemas = {
    "Error": obj({"code": string(), "message": string()}, ["code", "message"]),
    "Health": obj({"status": string()}, ["status"]),
    "EmailAddress": obj({"email": string(), "name": string()}, ["email"]),
    "Sender": obj({"senderAddress": ref("EmailAddress"), "compartmentId": string()}, ["senderAddress", "compartmentId"]),
    "Recipients": obj({k: {"type": "array", "items": ref("EmailAddress")} for k in ("to", "cc", "bcc")}),
    "SubmitEmailDetails": obj({
        "messageId": string(), "sender": ref("Sender"), "recipients": ref("Recipients"), "subject": string(),
        "bodyHtml": string(), "bodyText": string(), "replyTo": {"type": "array", "items": ref("EmailAddress")},
        "headerFields": TAGS}, ["sender", "recipients", "subject"]),
    "EmailSubmittedResponse": obj({"messageId": string(), "envelopeId": string(),
                                   "suppressedRecipients": {"type": "array", "items": ref("EmailAddress")}},
                                  ["messageId", "envelopeId", "suppressedRecipients"]),
    "EmailRawSubmittedResponse": obj({"messageId": string(), "envelopeId": string(),
                                      "suppressedRecipients": {"type": "array", "items": string()}},
                                     ["envelopeId", "suppressedRecipients"]),
    "CreateSenderDetails": obj({"compartmentId": string(), "emailAddress": string(), "emailIpPoolId": string(),
                                "freeformTags": TAGS, "definedTags": DEFINED_TAGS}, ["compartmentId", "emailAddress"]),
    "UpdateSenderDetails": obj({"emailIpPoolId": string(), "freeformTags": TAGS, "definedTags": DEFINED_TAGS}),
    "ApprovedSender": obj({"compartmentId": string(), "emailAddress": string(), "id": string(), "isSpf": {"type": "boolean"},
                           "lifecycleState": enum(*SENDER_STATES), "timeCreated": time(), "emailDomainId": string(),
                           "freeformTags": TAGS, "definedTags": DEFINED_TAGS, "locks": {"type": "array", "items": ref("ResourceLock")}}, ["compartmentId", "emailAddress", "id"]),
    "SenderSummary": obj({"compartmentId": string(), "emailAddress": string(), "id": string(),
                          "lifecycleState": enum(*SENDER_STATES), "timeCreated": time(),
                          "freeformTags": TAGS, "definedTags": DEFINED_TAGS, "locks": {"type": "array", "items": ref("ResourceLock")}}, ["compartmentId", "emailAddress", "id"]),
    "CreateSuppressionDetails": obj({"compartmentId": string(), "emailAddress": string()}, ["compartmentId", "emailAddress"]),
    "Suppression": obj({"compartmentId": string(), "emailAddress": string(), "id": string(), "reason": enum(*REASONS),
                        "timeCreated": time(), "timeLastSuppressed": time(), "messageId": string(), "errorDetail": string(),
                        "errorSource": string()}, ["compartmentId", "emailAddress", "id"]),
    "SuppressionSummary": obj({"compartmentId": string(), "emailAddress": string(), "id": string(), "reason": enum(*REASONS),
                               "timeCreated": time()}, ["compartmentId", "emailAddress", "id"]),
    "CreateEmailDomainDetails": obj({"name": string(), "compartmentId": string(), "domainVerificationId": string(),
                                     "description": string(), "freeformTags": TAGS, "definedTags": DEFINED_TAGS},
                                    ["name", "compartmentId"]),
    "ResourceLock": obj({"type": enum("FULL", "DELETE"), "compartmentId": string(), "relatedResourceId": string(), "message": string(),
                         "timeCreated": time()}, ["type", "compartmentId"]),
    "AddLockDetails": obj({"type": enum("FULL", "DELETE"), "compartmentId": string(), "relatedResourceId": string(), "message": string()},
                          ["type"]),
    "RemoveLockDetails": obj({"type": enum("FULL", "DELETE"), "compartmentId": string()}, ["type"]),
    "ChangeCompartmentDetails": obj({"compartmentId": string()}, required=["compartmentId"]),
    "UpdateEmailDomainDetails": obj({"domainVerificationId": string(), "description": string(), "freeformTags": TAGS,
                                     "definedTags": DEFINED_TAGS}),
    "EmailDomain": obj({"name": string(), "id": string(), "compartmentId": string(), "lifecycleState": enum(*DOMAIN_STATES),
                        "activeDkimId": string(), "isSpf": {"type": "boolean"},
                        "domainVerificationStatus": enum("NONE", "DOMAINID", "OTHER"), "description": string(),
                        "timeCreated": time(), "freeformTags": TAGS, "definedTags": DEFINED_TAGS, "locks": {"type": "array", "items": ref("ResourceLock")}}, ["name", "id"]),
    "EmailDomainSummary": obj({"name": string(), "id": string(), "compartmentId": string(), "lifecycleState": enum(*DOMAIN_STATES),
                               "activeDkimId": string(), "description": string(), "timeCreated": time(),
                               "freeformTags": TAGS, "definedTags": DEFINED_TAGS, "locks": {"type": "array", "items": ref("ResourceLock")}}, ["name", "id"]),
    "EmailDomainCollection": obj({"items": {"type": "array", "items": ref("EmailDomainSummary")}}, ["items"]),
    "CreateDkimDetails": obj({"emailDomainId": string(), "name": string(description="The selector; envoi-YYYYMMDD when absent"),
                              "description": string(), "privateKey": string(description="A PEM private key to import (never returned)"),
                              "freeformTags": TAGS, "definedTags": DEFINED_TAGS}, ["emailDomainId"]),
    "UpdateDkimDetails": obj({"description": string(), "freeformTags": TAGS, "definedTags": DEFINED_TAGS}),
    "Dkim": obj({"name": string(), "id": string(), "emailDomainId": string(), "compartmentId": string(),
                 "lifecycleState": enum(*DKIM_STATES), "lifecycleDetails": string(), "description": string(),
                 "timeCreated": time(), "timeUpdated": time(), "dnsSubdomainName": string(), "cnameRecordValue": string(),
                 "txtRecordValue": string(), "isImported": {"type": "boolean"}, "keyLength": {"type": "integer"},
                 "freeformTags": TAGS, "definedTags": DEFINED_TAGS}, ["name", "id", "emailDomainId"]),
    "DkimSummary": obj({"name": string(), "id": string(), "emailDomainId": string(), "compartmentId": string(),
                        "lifecycleState": enum(*DKIM_STATES), "description": string(), "timeCreated": time(), "timeUpdated": time(),
                        "isImported": {"type": "boolean"}, "keyLength": {"type": "integer"},
                        "freeformTags": TAGS, "definedTags": DEFINED_TAGS}, ["name", "id", "emailDomainId"]),
    "DkimCollection": obj({"items": {"type": "array", "items": ref("DkimSummary")}}, ["items"]),
    "WorkRequestResource": obj({"entityType": string(), "actionType": enum("CREATED", "UPDATED", "DELETED", "IN_PROGRESS", "RELATED", "FAILED"),
                                "identifier": string(), "entityUri": string()}, ["entityType", "actionType", "identifier"]),
    "WorkRequest": obj({"operationType": enum(*WR_OPS), "status": enum(*WR_STATUS), "id": string(), "compartmentId": string(),
                        "resources": {"type": "array", "items": ref("WorkRequestResource")}, "percentComplete": {"type": "number"},
                        "timeAccepted": time(), "timeStarted": time(), "timeFinished": time()},
                       ["operationType", "status", "id", "compartmentId", "resources", "percentComplete", "timeAccepted"]),
    "WorkRequestCollection": obj({"items": {"type": "array", "items": ref("WorkRequest")}}, ["items"]),
    "WorkRequestError": obj({"code": string(), "message": string(), "timestamp": time()}, ["code", "message", "timestamp"]),
    "WorkRequestErrorCollection": obj({"items": {"type": "array", "items": ref("WorkRequestError")}}, ["items"]),
    "WorkRequestLogEntry": obj({"message": string(), "timestamp": time()}, ["message", "timestamp"]),
    "WorkRequestLogEntryCollection": obj({"items": {"type": "array", "items": ref("WorkRequestLogEntry")}}, ["items"]),
    "Configuration": obj({"compartmentId": string(), "httpSubmitEndpoint": string(), "smtpSubmitEndpoint": string()},
                         ["compartmentId", "httpSubmitEndpoint", "smtpSubmitEndpoint"]),
    "CreateSmtpCredentialDetails": obj({"description": string()}, ["description"]),
    "SmtpCredential": obj({"username": string(), "password": string(), "id": string(), "userId": string(), "description": string(),
                           "timeCreated": time(), "timeExpires": time(),
                           "lifecycleState": enum("CREATING", "ACTIVE", "INACTIVE", "DELETING", "DELETED")}),
    "SmtpCredentialSummary": obj({"username": string(), "id": string(), "userId": string(), "description": string(),
                                  "timeCreated": time(), "timeExpires": time(),
                                  "lifecycleState": enum("CREATING", "ACTIVE", "INACTIVE", "DELETING", "DELETED")}),
}


def query(name, schema=None, required=False):
    return {"name": name, "in": "query", "required": required, "schema": schema or string()}


def header(name, required=False):
    return {"name": name, "in": "header", "required": required, "schema": string()}


def path(name):
    return {"name": name, "in": "path", "required": True, "schema": string()}


PAGING = [query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}), query("page"), query("sortOrder", enum("ASC", "DESC"))]
ERRORS = {str(code): {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
          for code, text in [(400, "InvalidParameter, MissingParameter or LimitExceeded"), (401, "NotAuthenticated"),
                             (404, "NotAuthorizedOrNotFound"), (409, "Conflict"), (412, "NoEtagMatch"),
                             (413, "RequestEntityTooLarge"), (429, "TooManyRequests"), (500, "InternalServerError")]}


def json_body(schema):
    return {"required": True, "content": {"application/json": {"schema": ref(schema)}}}


def op(operation_id, summary, ok, schema=None, parameters=(), body=None, headers=(), public=False):
    response = {"description": summary}
    if schema:
        response["content"] = {"application/json": {"schema": schema if isinstance(schema, dict) else ref(schema)}}
    if headers:
        response["headers"] = {name: {"schema": string()} for name in headers}
    result = {"operationId": operation_id, "summary": summary, "parameters": list(parameters) + [header("opc-request-id")],
              "responses": {str(ok): response, **({} if public else ERRORS)}}
    if body:
        result["requestBody"] = body
    if public:
        result["security"] = []
    return result


def array_of(name):
    return {"type": "array", "items": ref(name)}


paths = {
    "/health": {"get": op("health", "A trivial route (load balancers, benchmarks)", 200, "Health", public=True)},
    "/openapi.json": {"get": op("openapi", "This document", 200, {"type": "object"}, public=True)},
    "/20220926/actions/submitEmail": {"post": op("submitEmail", "Submit an email composed from JSON", 200, "EmailSubmittedResponse",
                                                 body=json_body("SubmitEmailDetails"))},
    "/20220926/actions/submitRawEmail": {"post": op(
        "submitRawEmail", "Submit a raw MIME message", 200, "EmailRawSubmittedResponse",
        parameters=[header("sender", True), header("recipients", True), header("compartment-id", True)],
        body={"required": True, "content": {"message/rfc822": {"schema": string()}, "message/global": {"schema": string()}}})},
    "/20170907/senders": {
        "post": op("createSender", "Approve a sender", 200, "ApprovedSender", body=json_body("CreateSenderDetails"), headers=["etag"]),
        "get": op("listSenders", "List approved senders (a bare array)", 200, array_of("SenderSummary"),
                  parameters=[query("compartmentId", required=True), query("lifecycleState", enum(*SENDER_STATES)), query("domain"),
                              query("emailAddress"), query("emailIpPoolId"), query("sortBy", enum("TIMECREATED", "EMAILADDRESS"))] + PAGING,
                  headers=["opc-next-page"]),
    },
    "/20170907/senders/{senderId}": {
        "get": op("getSender", "Get an approved sender", 200, "ApprovedSender", parameters=[path("senderId")], headers=["etag"]),
        "put": op("updateSender", "Replace an approved sender's tags", 200, "ApprovedSender",
                  parameters=[path("senderId"), header("if-match"), query("isLockOverride", {"type": "boolean"})], body=json_body("UpdateSenderDetails"), headers=["etag"]),
        "delete": op("deleteSender", "Delete an approved sender", 204,
                     parameters=[path("senderId"), header("if-match"), query("isLockOverride", {"type": "boolean"})]),
    },
    "/20170907/senders/{senderId}/actions/changeCompartment": {
        "post": op("changeSenderCompartment", "Move an approved sender to another compartment", 200,
                   parameters=[path("senderId"), header("if-match"), query("isLockOverride", {"type": "boolean"})],
                   body=json_body("ChangeCompartmentDetails")),
    },
    "/20170907/senders/{senderId}/actions/addLock": {
        "post": op("addSenderLock", "Lock: FULL refuses every change and the deletion, DELETE the deletion", 200, "ApprovedSender",
                   parameters=[path("senderId"), header("if-match")], body=json_body("AddLockDetails"), headers=["etag"]),
    },
    "/20170907/senders/{senderId}/actions/removeLock": {
        "post": op("removeSenderLock", "Remove a lock", 200, "ApprovedSender",
                   parameters=[path("senderId"), header("if-match")], body=json_body("RemoveLockDetails"), headers=["etag"]),
    },
    "/20170907/suppressions": {
        "post": op("createSuppression", "Suppress an address (reason MANUAL)", 200, "Suppression", body=json_body("CreateSuppressionDetails"),
                   headers=["etag"]),
        "get": op("listSuppressions", "List suppressions of the tenancy (a bare array)", 200, array_of("SuppressionSummary"),
                  parameters=[query("compartmentId", required=True), query("emailAddress"),
                              query("timeCreatedGreaterThanOrEqualTo", time()), query("timeCreatedLessThan", time()),
                              query("sortBy", enum("TIMECREATED", "EMAILADDRESS"))] + PAGING, headers=["opc-next-page"]),
    },
    "/20170907/suppressions/{suppressionId}": {
        "get": op("getSuppression", "Get a suppression", 200, "Suppression", parameters=[path("suppressionId")], headers=["etag"]),
        "delete": op("deleteSuppression", "Lift a suppression", 204, parameters=[path("suppressionId")]),
    },
    "/20170907/emailDomains": {
        "post": op("createEmailDomain", "Create an email domain", 202, "EmailDomain", body=json_body("CreateEmailDomainDetails"),
                   parameters=[header("opc-retry-token")], headers=["etag", "opc-work-request-id"]),
        "get": op("listEmailDomains", "List email domains", 200, "EmailDomainCollection",
                  parameters=[query("compartmentId", required=True), query("id"), query("name"),
                              query("lifecycleState", enum(*DOMAIN_STATES)), query("sortBy", enum("TIMECREATED", "ID", "NAME"))] + PAGING,
                  headers=["opc-next-page"]),
    },
    "/20170907/emailDomains/{emailDomainId}": {
        "get": op("getEmailDomain", "Get an email domain", 200, "EmailDomain", parameters=[path("emailDomainId")], headers=["etag"]),
        "put": op("updateEmailDomain", "Update an email domain's description and tags", 202,
                  parameters=[path("emailDomainId"), header("if-match"), query("isLockOverride", {"type": "boolean"})],
                  body=json_body("UpdateEmailDomainDetails"), headers=["opc-work-request-id"]),
        "delete": op("deleteEmailDomain", "Delete an email domain", 202,
                     parameters=[path("emailDomainId"), header("if-match"), query("isLockOverride", {"type": "boolean"})],
                     headers=["opc-work-request-id"]),
    },
    "/20170907/emailDomains/{emailDomainId}/actions/changeCompartment": {
        "post": op("changeEmailDomainCompartment", "Move an email domain and its DKIM keys to another compartment", 202,
                   parameters=[path("emailDomainId"), header("if-match"), header("opc-retry-token"),
                               query("isLockOverride", {"type": "boolean"})],
                   body=json_body("ChangeCompartmentDetails"), headers=["opc-work-request-id"]),
    },
    "/20170907/emailDomains/{emailDomainId}/actions/addLock": {
        "post": op("addEmailDomainLock", "Lock: FULL refuses every change and the deletion, DELETE the deletion", 200, "EmailDomain",
                   parameters=[path("emailDomainId"), header("if-match")], body=json_body("AddLockDetails"), headers=["etag"]),
    },
    "/20170907/emailDomains/{emailDomainId}/actions/removeLock": {
        "post": op("removeEmailDomainLock", "Remove a lock", 200, "EmailDomain",
                   parameters=[path("emailDomainId"), header("if-match")], body=json_body("RemoveLockDetails"), headers=["etag"]),
    },
    "/20170907/dkims": {
        "post": op("createDkim", "Create (or import) a DKIM key of an email domain", 202, "Dkim", body=json_body("CreateDkimDetails"),
                   parameters=[header("opc-retry-token")], headers=["etag", "opc-work-request-id"]),
        "get": op("listDkims", "List the DKIM keys of an email domain", 200, "DkimCollection",
                  parameters=[query("emailDomainId", required=True), query("id"), query("name"),
                              query("lifecycleState", enum(*DKIM_STATES)), query("sortBy", enum("TIMECREATED", "ID", "NAME"))] + PAGING,
                  headers=["opc-next-page"]),
    },
    "/20170907/dkims/{dkimId}": {
        "get": op("getDkim", "Get a DKIM key (never its private key)", 200, "Dkim", parameters=[path("dkimId")], headers=["etag"]),
        "put": op("updateDkim", "Update a DKIM key's description and tags", 202, parameters=[path("dkimId"), header("if-match")],
                  body=json_body("UpdateDkimDetails"), headers=["opc-work-request-id"]),
        "delete": op("deleteDkim", "Delete a DKIM key", 202, parameters=[path("dkimId"), header("if-match")],
                     headers=["opc-work-request-id"]),
    },
    "/20170907/workRequests": {
        "get": op("listWorkRequests", "List work requests", 200, "WorkRequestCollection",
                  parameters=[query("compartmentId", required=True), query("workRequestId"), query("status", enum(*WR_STATUS)),
                              query("operationType", enum(*WR_OPS)), query("sortBy", enum("timeAccepted"))] + PAGING,
                  headers=["opc-next-page"]),
    },
    "/20170907/workRequests/{workRequestId}": {
        "get": op("getWorkRequest", "Get a work request", 200, "WorkRequest", parameters=[path("workRequestId")], headers=["etag"]),
    },
    "/20170907/workRequests/{workRequestId}/errors": {
        "get": op("listWorkRequestErrors", "List a work request's errors", 200, "WorkRequestErrorCollection",
                  parameters=[path("workRequestId"), query("sortBy", enum("timestamp"))] + PAGING),
    },
    "/20170907/workRequests/{workRequestId}/logs": {
        "get": op("listWorkRequestLogs", "List a work request's log", 200, "WorkRequestLogEntryCollection",
                  parameters=[path("workRequestId"), query("sortBy", enum("timestamp"))] + PAGING, headers=["opc-next-page"]),
    },
    "/20170907/configuration": {
        "get": op("getEmailConfiguration", "The submission endpoints", 200, "Configuration",
                  parameters=[query("compartmentId", required=True)]),
    },
    "/20160918/users/{userId}/smtpCredentials": {
        "post": op("createSmtpCredential", "Create an SMTP credential (the only answer with the password)", 200, "SmtpCredential",
                   parameters=[path("userId"), header("opc-retry-token")], body=json_body("CreateSmtpCredentialDetails"),
                   headers=["etag"]),
        "get": op("listSmtpCredentials", "List a user's SMTP credentials (a bare array)", 200, array_of("SmtpCredentialSummary"),
                  parameters=[path("userId")]),
    },
    "/20160918/users/{userId}/smtpCredentials/{smtpCredentialId}": {
        "delete": op("deleteSmtpCredential", "Delete an SMTP credential", 204,
                     parameters=[path("userId"), path("smtpCredentialId"), header("if-match")]),
    },
}

document = {
    "openapi": "3.0.3",
    "info": {"title": "Envoi HTTPS API", "version": "1.0.0",
             "description": "Email submission (/20220926), control plane (/20170907) and SMTP credentials (/20160918), "
                            "wire-compatible with the cloud email-delivery SDK and CLI. Requests are signed "
                            "(draft-cavage HTTP signatures, rsa-sha256) with an API key registered by `envoi apikey add`."},
    "servers": [{"url": "https://127.0.0.1:8443"}],
    "security": [{"requestSignature": []}],
    "components": {"schemas": schemas, "securitySchemes": {
        "requestSignature": {"type": "apiKey", "in": "header", "name": "Authorization",
                             "description": "Signature keyId=\"<tenancy>/<user>/<fingerprint>\",algorithm=\"rsa-sha256\",headers=\"...\",signature=\"...\""}}},
    "paths": paths,
}

text = json.dumps(document, indent=2, sort_keys=True) + "\n"
(ROOT / "assets" / "openapi.json").write_text(text)
compact = json.dumps(document, sort_keys=True, separators=(",", ":"))
chunks = [compact[i:i + 110] for i in range(0, len(compact), 110)]
swift = ["// Generated by scripts/generate-openapi.py from the same source as assets/openapi.json: do not edit.",
         "", "extension OpenAPIDocument {", "    /// The document, compact.", "    static let json = [",
         *[f"        ##\"{chunk}\"##," for chunk in chunks], "    ].joined()", "}", ""]
(ROOT / "Sources" / "HTTPAPI" / "OpenAPIDocument+JSON.swift").write_text("\n".join(swift))
