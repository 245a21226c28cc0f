"""Drives statusatlas's MCP server with the official MCP Python SDK.

Usage: mcp_client.py stdio BINARY MODE   (statusatlas mcp as a subprocess)
       mcp_client.py http URL MODE       (Streamable HTTP at URL, e.g. http://127.0.0.1:8080/mcp)

MODE is "legacy" (the initialize handshake) or "auto" (the SDK's default:
server/discover, then per-request negotiation). Every check that fails raises;
the last line printed is a JSON summary of what was checked.
"""

import asyncio
import json
import sys
import urllib.request

import jsonschema
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from mcp.types import PromptReference, ResourceTemplateReference

checked = []


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    checked.append(what)


def text_of(result):
    return "\n".join(c.text for c in result.content if getattr(c, "type", "") == "text")


async def all_resources(client):
    resources, cursor = [], None
    while True:
        page = await client.list_resources(cursor=cursor)
        resources.extend(page.resources)
        cursor = page.next_cursor
        if not cursor:
            return resources


async def good_call(client, schemas, name, arguments):
    result = await client.call_tool(name, arguments)
    check(not result.is_error, f"{name} {arguments} succeeds: {text_of(result)[:200]}")
    check(result.structured_content is not None, f"{name} returns structured content")
    jsonschema.validate(result.structured_content, schemas[name])
    check(True, f"{name} {arguments} matches its output schema")
    check(len(text_of(result)) > 0, f"{name} has a text rendering")
    return result


async def bad_call(client, name, arguments, expected):
    result = await client.call_tool(name, arguments)
    text = text_of(result)
    check(result.is_error, f"{name} {str(arguments)[:80]} is a tool error, not a crash")
    check(expected.lower() in text.lower(), f"{name} error says {expected!r}: {text[:200]}")
    return text


async def scenario(client, transport):
    info = client.server_info
    check(info is not None and info.name == "statusatlas", "server names itself statusatlas")

    tools = (await client.list_tools()).tools
    names = {t.name for t in tools}
    expected = {"lookup", "compare", "search", "list", "explain"}
    if transport == "http":
        expected.add("live_url")
    check(names == expected, f"tools are {sorted(expected)}, got {sorted(names)}")
    schemas = {}
    for tool in tools:
        check(tool.input_schema.get("type") == "object", f"{tool.name} has an object input schema")
        check(tool.output_schema is not None, f"{tool.name} declares an output schema")
        jsonschema.Draft202012Validator.check_schema(tool.output_schema)
        check(True, f"{tool.name}'s output schema is valid JSON Schema 2020-12")
        check(tool.annotations is not None and tool.annotations.read_only_hint is True,
              f"{tool.name} is annotated read-only")
        schemas[tool.name] = tool.output_schema

    # Good arguments, every tool.
    r = await good_call(client, schemas, "lookup", {"code": "407"})
    entry = r.structured_content["entries"][0]
    check(entry["protocol"] == "http" and entry["code"] == "407", "lookup 407 is HTTP 407")
    check("Proxy-Authenticate" in text_of(r), "the 407 card names Proxy-Authenticate")
    r = await good_call(client, schemas, "lookup", {"code": 5, "protocol": "grpc"})
    check(r.structured_content["entries"][0]["phrase"] == "NOT_FOUND", "a numeric code works (gRPC 5)")
    r = await good_call(client, schemas, "lookup", {"code": "smtp 5.7.1"})
    check(r.structured_content["entries"][0]["base_id"] == "X.7.1", "smtp 5.7.1 reads X.7.1 in class 5")
    r = await good_call(client, schemas, "compare", {"a": "403", "b": "401"})
    check(r.structured_content["a"]["code"] == "401", "compare puts 401 before 403")
    check(r.structured_content.get("curated") is not None, "401 vs 403 carries the curated note")
    r = await good_call(client, schemas, "compare", {"a": "14", "protocol": "grpc", "b": "503", "protocol_b": "http"})
    check(r.structured_content["b"]["protocol"] == "http", "compare works across mapped protocols")
    r = await good_call(client, schemas, "search", {"query": "too many requests", "limit": 3})
    results = r.structured_content["results"]
    check(1 <= len(results) <= 3 and results[0]["code"] == "429", "search ranks 429 first for 'too many requests'")
    check(all("matched" in x for x in results), "every search result says why it matched")
    r = await good_call(client, schemas, "search", {"query": "unavailable", "protocol": "grpc"})
    check(all(x["protocol"] == "grpc" for x in r.structured_content["results"]), "search keeps to the protocol")
    r = await good_call(client, schemas, "list", {"protocol": "http", "class": "4xx"})
    codes = [e["code"] for e in r.structured_content["entries"]]
    check(r.structured_content["count"] == len(codes) and "404" in codes, "list http 4xx holds 404")
    check(all(c.startswith("4") for c in codes), "list http 4xx holds only 4xx codes")

    transcript = "< HTTP/1.1 407 Proxy Authentication Required\n< Via: 1.1 squid\ncurl: (56) CONNECT tunnel failed, response 407\n"
    r = await good_call(client, schemas, "explain", {"text": transcript})
    outcome = r.structured_content["summary"]["outcome"]
    check(outcome["protocol"] == "http" and outcome["code"] == "407", "explain finds the final 407")
    check("## Diagnosis" in text_of(r), "explain renders the diagnosis")
    r = await good_call(client, schemas, "explain", {"text": "nothing to see here"})
    check(r.structured_content["findings"] == [], "text without codes has no findings")

    # Bad arguments: tool errors with suggestions, never protocol errors.
    await bad_call(client, "lookup", {"code": "4077"}, "did you mean")
    await bad_call(client, "lookup", {}, "code")
    await bad_call(client, "lookup", {"code": "404", "protocol": "htp"}, "unknown protocol")
    await bad_call(client, "lookup", {"code": "x" * 5000}, "longer than")
    await bad_call(client, "lookup", {"code": "404", "colour": "red"}, "unknown field")
    await bad_call(client, "compare", {"a": "401"}, "missing field")
    await bad_call(client, "compare", {"a": "401", "b": "401"}, "itself")
    await bad_call(client, "compare", {"a": "grpc 14", "b": "http 404"}, "do not map")
    # Over HTTP a body past the API's 16 KiB cap is refused with 413 before any
    # tool sees it; long text below the cap reaches the tool and is refused there.
    huge = 100_000 if transport == "stdio" else 12_000
    await bad_call(client, "search", {"query": "x" * huge}, "characters long")
    await bad_call(client, "search", {"query": "  "}, "empty")
    await bad_call(client, "explain", {"text": ""}, "empty")
    await bad_call(client, "explain", {"text": "\x00\x01binary"}, "binary")
    await bad_call(client, "explain", {}, "missing field")
    if transport == "stdio":
        await bad_call(client, "explain", {"text": "y" * (2 * 1024 * 1024)}, "the limit is")
    await bad_call(client, "search", {"query": "gone", "limit": 0}, "limit")
    await bad_call(client, "list", {"protocol": "http", "class": "9xx"}, "no class")
    await bad_call(client, "list", {"protocol": 7}, "bad arguments")
    try:
        await client.call_tool("no-such-tool", {})
        check(False, "an unknown tool is a protocol error")
    except MCPError as e:
        check("unknown tool" in e.error.message, f"an unknown tool is named: {e.error.message}")

    if transport == "http":
        r = await good_call(client, schemas, "live_url", {"code": 418, "headers": ["X-From: python"], "accept": "json"})
        url = r.structured_content["url"]
        check(url.startswith(BASE_URL + "/status/418"), f"live_url points at this instance: {url}")
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            urllib.request.urlopen(request)
            status, headers = 200, {}
        except urllib.error.HTTPError as e:
            status, headers = e.code, e.headers
        check(status == 418, f"the live URL answers 418, got {status}")
        check(headers.get("X-From") == "python", "the live URL sends the extra header")
        await bad_call(client, "live_url", {"code": "700"}, "100 to 599")
        await bad_call(client, "live_url", {"code": "200", "headers": ["Set-Cookie: a=b"]}, "cannot be set")

    # Resources and templates.
    resources = await all_resources(client)
    check(len(resources) > 400, f"resources list every card ({len(resources)})")
    check(len({r.uri for r in resources}) == len(resources), "resource URIs are unique")
    uris = {str(r.uri) for r in resources}
    check("statusatlas://http/407" in uris, "statusatlas://http/407 is listed")
    check("statusatlas://compare/http/401-vs-403" in uris, "curated comparisons are listed")
    templates = (await client.list_resource_templates()).resource_templates
    check(any(t.uri_template == "statusatlas://{protocol}/{code}" for t in templates), "the card template is listed")
    read = await client.read_resource("statusatlas://http/407")
    body = read.contents[0]
    check(body.mime_type == "text/markdown" and body.text.startswith("# HTTP 407"), "the 407 card reads as Markdown")
    read = await client.read_resource("statusatlas://compare/http/101-vs-407")
    check("101" in read.contents[0].text and "407" in read.contents[0].text, "a comparison reads as Markdown")
    read = await client.read_resource("statusatlas://dns/ede/18")
    check(read.contents[0].text.startswith("# DNS 18"), "an Extended DNS Error card reads")
    try:
        await client.read_resource("statusatlas://http/4077")
        check(False, "an unknown code is not a resource")
    except MCPError as e:
        check("no HTTP" in e.error.message, f"an unknown resource says why: {e.error.message}")

    # Completions for the template arguments and the prompt's protocol.
    done = await client.complete(ResourceTemplateReference(uri="statusatlas://{protocol}/{code}"),
                                 {"name": "code", "value": "42"}, {"protocol": "http"})
    values = done.completion.values
    check("429" in values and all(v.startswith("42") for v in values), f"codes complete: {values}")
    done = await client.complete(PromptReference(name="choose-status"), {"name": "protocol", "value": "g"})
    check(done.completion.values == ["grpc"], "the prompt's protocol completes")

    # Prompts.
    prompts = (await client.list_prompts()).prompts
    check({p.name for p in prompts} == {"explain-error", "choose-status"}, "two prompts are listed")
    prompt = await client.get_prompt("choose-status", {"situation": "the client sent too many requests"})
    check("429" in prompt.messages[0].content.text, "choose-status brings 429 as a candidate")
    prompt = await client.get_prompt("explain-error", {"error": "550 5.7.1 relaying denied"})
    check("5.7.1 relaying denied" in prompt.messages[0].content.text, "explain-error carries the pasted text")
    try:
        await client.get_prompt("choose-status", {})
        check(False, "a prompt without its required argument is refused")
    except MCPError as e:
        check("required" in e.error.message, "a missing prompt argument is named")


BASE_URL = ""


async def main():
    global BASE_URL
    transport, target, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    if transport == "stdio":
        server = StdioServerParameters(command=target, args=["mcp"])
    else:
        server = target
        BASE_URL = target.rsplit("/mcp", 1)[0]
    async with Client(server, mode=mode, raise_exceptions=True, read_timeout_seconds=30) as client:
        await scenario(client, transport)
        version = client.protocol_version
    print(json.dumps({"transport": transport, "mode": mode, "protocol": version, "checks": len(checked)}))


asyncio.run(main())
