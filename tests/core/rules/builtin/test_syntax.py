"""The built-in rules of `syntax.yaml` (src/autorecover/core/rules/builtin/syntax.yaml).

Every rule defined there fires on the real lines below, pasted and with the runner's timestamp
prefix; the conventions and the checks across all families are in test_knowledge_base.py.
"""

from __future__ import annotations

import pytest

from autorecover.core.models import Category
from testing.rules import _assert_fires, _cases, _fired, _job, _scan

# (rule id, line). Several lines for one rule cover its different patterns / tool versions.
POSITIVE: list[tuple[str, str]] = [
    # world/train/c2-go-build-missing-comma-composite-literal-make (knadh/listmonk#1857)
    (
        "go-syntax-error",
        "internal/manager/manager.go:359:4: syntax error: unexpected newline in composite "
        "literal; possibly missing comma or }",
    ),
    # world/train/c2-go-syntax-error-travis-make-test-build (databricks/terraform-provider-
    # databricks#311): the compiler's and go/parser's (cover) wording
    (
        "go-syntax-error",
        "access/data_aws_policies.go:92:33: syntax error: unexpected newline, expecting comma or }",
    ),
    (
        "go-syntax-error",
        "2020/09/10 09:14:03 cover: /home/travis/gopath/src/github.com/databrickslabs/terraform-"
        "provider-databricks/access/data_aws_policies.go: /home/travis/gopath/src/github.com/"
        "databrickslabs/terraform-provider-databricks/access/data_aws_policies.go:92:33: missing "
        "',' before newline in composite literal (and 9 more errors)",
    ),
    # world/train/c2-php-lint-parse-errors-language-files-travis (phpbb-de/phpbb-translation#7)
    (
        "php-parse-error",
        "PHP Parse error: syntax error, unexpected '*' in ./language/de_x_sie/common.php on line 2",
    ),
    # PHP 8 (find_string hit 26341024810)
    (
        "php-parse-error",
        "PHP Parse error:  Unclosed '{' on line 11 in /var/www/html/index.php on line 13",
    ),
    # Ruby 3.4 (Prism), find_string hit 55489406248
    (
        "ruby-syntax-error",
        "/usr/local/share/gems/gems/tilt-2.7.0/lib/tilt/template.rb:472:in 'Module#class_eval': "
        "partial/_footer.erb:2: syntax errors found (SyntaxError)",
    ),
    # rustc 1.95.0 here
    ("rust-syntax-error", "error: expected `;`, found keyword `let`"),
    ("rust-syntax-error", "error: this file contains an unclosed delimiter"),
    ("rust-syntax-error", "error: mismatched closing delimiter: `)`"),
    # javac 17.0.15 here
    ("jvm-syntax-error", "j/Main.java:3: error: ';' expected"),
    ("jvm-syntax-error", "j/Main.java:5: error: reached end of file while parsing"),
    # apache/incubator-kie#4812 (Maven), HereLiesAz/IDEaz#726 and
    # KasemJaffer/receive_sharing_intent#175 (Kotlin through Gradle)
    (
        "jvm-syntax-error",
        "/home/jenkins/workspace/KIE/kogito/main/pullrequest/drools.tests.downstream.kogito-"
        "examples/bc/kiegroup_drools/drools-model/drools-model-codegen/src/main/java/org/drools/"
        "model/codegen/execmodel/generator/Consequence.java:[279,109] ';' expected",
    ),
    (
        "jvm-syntax-error",
        "e: file:///home/runner/work/IDEaz/IDEaz/app/build.gradle.kts:320:2: Expecting '}'",
    ),
    (
        "jvm-syntax-error",
        "e: C:\\yogesh\\widgets\\android\\app\\src\\main\\kotlin\\com\\example\\widgets\\"
        "MainActivity.kt: (8, 8): Expecting an element",
    ),
    # dotnet/core#7947
    (
        "csharp-syntax-error",
        "C:\\Users\\mtrky\\MyApp\\Program.cs(3,7): error CS1002: ; expected "
        "[C:\\Users\\mtrky\\MyApp\\MyApp.csproj]",
    ),
    # bash 5.2 and dash 0.5.12 here
    ("shell-syntax-error", "s4.sh: line 2: syntax error near unexpected token `fi'"),
    ("shell-syntax-error", "s.sh: line 3: syntax error: unexpected end of file"),
    ("shell-syntax-error", "s2.sh: line 1: unexpected EOF while looking for matching `)'"),
    ("shell-syntax-error", 's.sh: 3: Syntax error: end of file unexpected (expecting "fi")'),
    ("shell-syntax-error", 's3.sh: 1: Syntax error: "(" unexpected'),
    # world/train/c2-json-site-definition-decode-error (hsuyelin/nas-tools-sites#2)
    (
        "json-syntax-error",
        "Error decoding JSON in sites\\飞天拉面.json: Expecting property name enclosed in double "
        "quotes: line 131 column 1 (char 2857)",
    ),
    # node 20.20.2 and jq 1.6 here on a package.json with a trailing comma
    (
        "json-syntax-error",
        "SyntaxError: Expected double-quoted property name in JSON at position 76",
    ),
    ("json-syntax-error", "parse error: Expected another key-value pair at line 6, column 3"),
    # CPython 3.11 here on "<a><b></a>"
    ("xml-syntax-error", "xml.etree.ElementTree.ParseError: mismatched tag: line 1, column 8"),
    ("xml-syntax-error", "xml.parsers.expat.ExpatError: mismatched tag: line 1, column 8"),
    # world/train/c2-eslint-parsing-error-unexpected-throw-travis and
    # world/train/c2-syntaxerror-eol-masked-secret-temp-py (where specific rules win)
    ("syntax-error-backstop", "  10:4  error  Parsing error: Unexpected token throw"),
    ("syntax-error-backstop", "SyntaxError: EOL while scanning string literal"),
]


@pytest.mark.parametrize(("rule_id", "line"), _cases(POSITIVE))
def test_rule_fires_on_real_line(rule_id: str, line: str) -> None:
    _assert_fires(rule_id, line)


@pytest.mark.parametrize(
    "line",
    [
        # a server answering HTML where JSON was expected is not a file with a syntax error
        "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
        "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
        "Unexpected token < in JSON at position 0",
        # test names and passing tests
        "tests/test_parser.py::test_syntax_error_is_reported PASSED               [ 40%]",
        "ok  \tgithub.com/acme/parse\t0.012s",
        "Found 0 syntax errors",
        # a truncated download is not code that does not parse
        "gzip: stdin: unexpected end of file",
        # gcc's parser errors stay build errors (tools/pip-build-c-extension.log)
        "fastmath/_speedups.c:9:5: error: expected ‘,’ or ‘;’ before ‘Py_ssize_t’",
    ],
)
def test_syntax_rules_do_not_fire_on(line: str) -> None:
    fired = _fired(_scan(line))
    syntax = {
        "go-syntax-error",
        "json-syntax-error",
        "syntax-error-backstop",
        "python-syntax-error",
        "shell-syntax-error",
    }
    assert not fired & syntax, fired


def test_a_go_syntax_error_outranks_the_make_wrapper() -> None:
    # world/train/c2-go-build-missing-comma-composite-literal-make
    diagnosis = _scan(
        _job(
            "# github.com/knadh/listmonk/internal/manager",
            "internal/manager/manager.go:359:4: syntax error: unexpected newline in composite "
            "literal; possibly missing comma or }",
            "make: *** [Makefile:42: listmonk] Error 1",
        )
    )
    assert diagnosis.category is Category.SYNTAX_ERROR
    assert diagnosis.rule == "go-syntax-error"


def test_the_backstop_yields_to_a_specific_rule() -> None:
    diagnosis = _scan(
        _job(
            "PHP Parse error: syntax error, unexpected '*' in ./language/de/common.php on line 2",
            "Errors parsing ./language/de/common.php",
        )
    )
    assert diagnosis.rule == "php-parse-error"
    assert diagnosis.confidence >= 0.7
