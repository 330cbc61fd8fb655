"""The shape of an OpenAPI document, checked once at load, before anything else reads it.

The rest of the spec code reads a document the way OpenAPI describes one: paths, operations
and responses are mappings, parameters a list, a schema a mapping. A file where one of them
is a number, text or null would otherwise surface as a traceback wherever it is first read
(lint, the effective spec, start-up); here it is one `ConfigError` line naming the JSON
Pointer, what stands there, and what belongs there instead.

Only the parts the fake reads are checked, following `$ref` where the fake follows it.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema_rs

from .errors import ConfigError
from .pointers import RefResolver, join
from .schema_view import normalize_31

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
PLACES = ("path", "query", "header", "cookie")  # where a parameter may be (`in`)
SCHEMA_FIX = "write a schema mapping such as {type: object} (or true/false)"
# The keywords under which a schema holds further schemas: one, a list, or a mapping of them.
SUBSCHEMA = ("items", "not", "additionalProperties", "contains", "if", "then", "else", "propertyNames")
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# A path parameter the server can route: Starlette reads `{name}` only for such names, takes
# `{name:word}` as one of its convertors, and refuses a name written twice in one path.
TEMPLATE_PART = re.compile(r"\{([^{}]*)\}")
PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_shape(doc: dict[str, Any], label: str) -> None:
    """Refuse the first part of the document the fake reads that has the wrong shape."""
    Shape(doc, label).run()


def _what(value: Any) -> str:
    """A value in a few words, for the message: `null`, `the number 5`, `the text 'oops'`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}{'...' if len(value) > 40 else ''}'"
    return {list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


class Shape:
    """Walks one document; each check raises at the first wrong node."""

    def __init__(self, doc: dict[str, Any], label: str) -> None:
        self.doc = doc
        self.label = label
        self.resolver = RefResolver(doc, label)

    # --- the kinds of node ----------------------------------------------------------------
    def fail(self, ptr: str, what: str, problem: str, fix: str) -> None:
        raise ConfigError(self.label, ptr, f"{what} is {problem}", fix)

    def mapping(self, ptr: str, node: Any, what: str, fix: str) -> dict[str, Any]:
        """A mapping whose keys are text, as JSON Pointers and the OpenAPI spec need them."""
        if not isinstance(node, dict):
            self.fail(ptr, what, f"{_what(node)}, not a mapping", fix)
        for key in node:
            if not isinstance(key, str):
                self.fail(join(ptr, key), f"the key {key!r} of {what}", "not text", f"quote it: '{key}'")
        return node

    def sequence(self, ptr: str, node: Any, what: str, fix: str) -> list[Any]:
        if not isinstance(node, list):
            self.fail(ptr, what, f"{_what(node)}, not a list", fix)
        return node

    def followed(self, ptr: str, what: str, fix: str) -> tuple[str, dict[str, Any]]:
        """The node at ptr, through its `$ref`s, which must be a mapping; and where it really is."""
        ptr, node = self.resolver.follow(ptr)
        return ptr, self.mapping(ptr, node, what, fix)

    # --- the document ---------------------------------------------------------------------
    def run(self) -> None:
        doc = self.doc
        if "servers" in doc:
            for i, _ in enumerate(
                self.sequence("/servers", doc["servers"], "'servers'", "write '- url: ...'")
            ):
                self.mapping(join("/servers", i), doc["servers"][i], "a server", "write '- url: https://...'")
        if "security" in doc:
            self.security("/security", doc["security"])
        self.components()
        paths = self.mapping("/paths", doc["paths"], "'paths'", "write 'paths:' as a mapping of paths")
        for api_path in paths:
            self.template(join("/paths", api_path), api_path)
            self.path_item(join("/paths", api_path))

    def template(self, ptr: str, api_path: str) -> None:
        """Each `{name}` in a path: routable by the server, and written once."""
        names = TEMPLATE_PART.findall(api_path)
        rest = TEMPLATE_PART.sub("", api_path)
        if "{" in rest or "}" in rest:
            self.fail(
                ptr, "the path", "a '{' or '}' around no parameter name", "write parameters as '{name}'"
            )
        for i, name in enumerate(names):
            if not PARAM_NAME.fullmatch(name):
                self.fail(
                    ptr,
                    f"path parameter '{{{name}}}'",
                    "not a name the server can route (no ':', '-' or other sign; not starting with a digit)",
                    "rename it with letters, digits and _ only, e.g. '{video_id}', here and in 'parameters'",
                )
            if name in names[:i]:
                self.fail(
                    ptr, f"path parameter '{{{name}}}'", "written twice in the path", "name each one once"
                )

    def security(self, ptr: str, node: Any) -> None:
        fix = "write 'security: [{schemeName: []}]'"
        for i, requirement in enumerate(self.sequence(ptr, node, "'security'", fix)):
            self.mapping(join(ptr, i), requirement, "a security requirement", fix)

    def components(self) -> None:
        if "components" not in self.doc:
            return
        fix = "write 'components:' as a mapping (schemas:, securitySchemes:, ...)"
        parts = self.mapping("/components", self.doc["components"], "'components'", fix)
        for key in ("schemas", "securitySchemes", "parameters", "responses", "requestBodies", "examples"):
            if key in parts:
                self.mapping(
                    join("/components", key), parts[key], f"'{key}'", f"write '{key}:' as a mapping of names"
                )
        for name, schema in (parts.get("schemas") or {}).items():
            self.schema(join("/components/schemas", name), schema)
        for name, scheme in (parts.get("securitySchemes") or {}).items():
            self.security_scheme(join("/components/securitySchemes", name), scheme)

    def security_scheme(self, ptr: str, scheme: Any) -> None:
        fix = "write '{type: apiKey, in: header, name: x-api-key}' or another OpenAPI security scheme"
        self.mapping(ptr, scheme, "the security scheme", fix)
        if scheme.get("type") == "apiKey" and not (isinstance(scheme.get("name"), str) and scheme["name"]):
            self.fail(join(ptr, "name"), "the apiKey scheme's 'name'", "missing or not text", fix)

    # --- paths and operations -------------------------------------------------------------
    def path_item(self, ptr: str) -> None:
        fix = "write the path as a mapping of methods (get:, post:, ...)"
        ptr, item = self.followed(ptr, "the path item", fix)
        self.parameters(ptr, item)
        for method in METHODS:
            if method in item:
                self.operation(join(ptr, method))

    def operation(self, ptr: str) -> None:
        fix = "write the operation as a mapping with 'responses:', or remove it"
        ptr, op = self.followed(ptr, "the operation", fix)
        self.parameters(ptr, op)
        if "security" in op:
            self.security(join(ptr, "security"), op["security"])
        if "requestBody" in op:
            body_ptr, body = self.followed(
                join(ptr, "requestBody"), "'requestBody'", "write 'content:' in it"
            )
            self.content(body_ptr, body, compiled=True)
        fix = "write 'responses:' as a mapping of status codes ('200': ...)"
        if "responses" not in op:
            self.fail(ptr, "the operation", "without 'responses', so the fake has nothing to answer", fix)
        if "responses" in op:
            for code in self.mapping(join(ptr, "responses"), op["responses"], "'responses'", fix):
                rptr, response = self.followed(
                    join(ptr, "responses", code), f"response '{code}'", "write 'description:' and 'content:'"
                )
                self.content(rptr, response, compiled=False)

    def parameters(self, owner: str, node: dict[str, Any]) -> None:
        if "parameters" not in node:
            return
        fix = "write 'parameters:' as a list of {name:, in:, schema:}"
        for i, _ in enumerate(
            self.sequence(join(owner, "parameters"), node["parameters"], "'parameters'", fix)
        ):
            ptr, param = self.followed(join(owner, "parameters", i), "a parameter", fix)
            name, place = param.get("name"), param.get("in")
            if not isinstance(name, str) or not name:
                self.fail(join(ptr, "name"), "the parameter's 'name'", _what(name) + ", not text", "name it")
            if place not in PLACES:
                where = join(ptr, "in")
                self.fail(
                    where,
                    f"parameter '{name}' in {_what(place)}",
                    "not a place",
                    f"use one of {', '.join(PLACES)}",
                )
            if "schema" in param:
                self.schema(join(ptr, "schema"), param["schema"], compiled=True)

    def content(self, owner: str, node: dict[str, Any], compiled: bool) -> None:
        """A request body's or response's `content`: media types, their schema and examples."""
        if "content" not in node:
            return
        fix = "write 'content:' as a mapping of media types (application/json: {schema: ...})"
        for media_type in self.mapping(join(owner, "content"), node["content"], "'content'", fix):
            ptr, media = self.followed(join(owner, "content", media_type), f"media type '{media_type}'", fix)
            if "schema" in media:
                self.schema(join(ptr, "schema"), media["schema"], compiled=compiled)
            if "examples" in media:
                fix = "write 'examples:' as a mapping of names to {value: ...}"
                for name in self.mapping(join(ptr, "examples"), media["examples"], "'examples'", fix):
                    self.followed(join(ptr, "examples", name), f"example '{name}'", "write '{value: ...}'")

    # --- schemas --------------------------------------------------------------------------
    def schema(self, ptr: str, node: Any, compiled: bool = False) -> None:
        """A schema and the schemas in it; one the fake compiles must also be valid JSON Schema."""
        stack = [(ptr, node)]
        while stack:
            at, schema = stack.pop()
            if isinstance(schema, bool):
                continue
            self.mapping(at, schema, "the schema", SCHEMA_FIX)
            stack.extend((join(at, key), schema[key]) for key in SUBSCHEMA if key in schema)
            for key in (k for k in SUBSCHEMA_LISTS if k in schema):
                items = self.sequence(
                    join(at, key), schema[key], f"'{key}'", f"write '{key}:' as a list of schemas"
                )
                stack.extend((join(at, key, i), item) for i, item in enumerate(items))
            for key in (k for k in SUBSCHEMA_MAPS if k in schema):
                named = self.mapping(
                    join(at, key), schema[key], f"'{key}'", f"write '{key}:' as a mapping of schemas"
                )
                stack.extend((join(at, key, name), item) for name, item in named.items())
            kinds = schema.get("type", "object")
            if not isinstance(kinds, str) and not (
                isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)
            ):
                self.fail(join(at, "type"), "'type'", _what(kinds), "write a type name, or a list of them")
            if "enum" in schema:
                self.sequence(join(at, "enum"), schema["enum"], "'enum'", "write 'enum:' as a list of values")
            if "$ref" in schema and not isinstance(schema["$ref"], str):
                self.fail(
                    join(at, "$ref"), "'$ref'", _what(schema["$ref"]), "write '#/components/schemas/Name'"
                )
        if compiled:
            self.compiles(ptr)

    def compiles(self, ptr: str) -> None:
        """A schema the fake compiles to check requests: refused here rather than at start-up."""
        schema = normalize_31(self.resolver.inline(ptr))
        try:
            jsonschema_rs.meta.validate(schema)
        except jsonschema_rs.ValidationError as exc:
            at = join(ptr, *exc.instance_path)
            raise ConfigError(
                self.label, at, f"not a valid JSON Schema ({exc.message})", "fix the schema there"
            ) from None
