"""Every user-facing error in one place, each with a stable code and a zh and an en message.

Messages are ``str.format`` templates filled from the problem's params. A ``Location`` says where:
file and line for rule files, question id and row for answers, sheet and row for workbooks.
Add codes to your own section only; never renumber a code once released.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Detail:
    code: str
    zh: str
    en: str


class ErrorCode(Enum):
    # --- expressions (EXPR-1xx)
    EXPR_SYNTAX = Detail("EXPR-101", "表达式语法错误：{detail}", "Expression syntax error: {detail}")
    EXPR_NOT_ALLOWED = Detail("EXPR-102", "表达式中不允许使用 {construct}", "{construct} is not allowed in an expression")
    EXPR_UNKNOWN_NAME = Detail("EXPR-103", "表达式引用了未知名称“{name}”", "The expression refers to an unknown name '{name}'")
    EXPR_UNKNOWN_FUNCTION = Detail("EXPR-104", "未知函数“{name}”，可用函数：{allowed}", "Unknown function '{name}'; available: {allowed}")
    EXPR_ARITY = Detail("EXPR-105", "函数 {name} 需要 {expected} 个参数，实际为 {got} 个", "Function {name} takes {expected} arguments, got {got}")
    EXPR_TYPE = Detail("EXPR-106", "类型错误：{detail}", "Type error: {detail}")
    EXPR_UNKNOWN_CHOICE = Detail("EXPR-107", "“{value}”不是问题 {question} 的选项（可选：{choices}）", "'{value}' is not a choice of question {question} (choices: {choices})")
    EXPR_TEMPLATE = Detail("EXPR-108", "说明文字模板错误：{detail}", "Text template error: {detail}")
    EXPR_RUNTIME = Detail("EXPR-109", "表达式求值失败：{detail}", "Expression evaluation failed: {detail}")

    # --- rule sets (RULES-2xx)
    RULES_YAML = Detail("RULES-201", "YAML 格式错误：{detail}", "Malformed YAML: {detail}")
    RULES_SCHEMA = Detail("RULES-202", "字段“{field}”不符合要求：{detail}", "Field '{field}' is invalid: {detail}")
    RULES_MISSING_FILE = Detail("RULES-203", "缺少规则文件：{path}", "Rule file missing: {path}")
    RULES_UNKNOWN_FACTOR = Detail("RULES-204", "引用了未知风险因素“{factor}”", "Unknown risk factor '{factor}'")
    RULES_UNKNOWN_QUESTION = Detail("RULES-205", "引用了未知问题“{question}”", "Unknown question '{question}'")
    RULES_DUPLICATE_ID = Detail("RULES-206", "编号“{id}”重复（首次出现于 {first}）", "Duplicate id '{id}' (first defined at {first})")
    RULES_LEVEL_RANGE = Detail("RULES-207", "{field} 应为 1–5 的整数，实际为 {value}", "{field} must be a whole number from 1 to 5, got {value}")
    RULES_CIRCULAR = Detail("RULES-208", "计算项存在循环引用：{cycle}", "Circular calculation: {cycle}")
    RULES_UNKNOWN_KIND = Detail("RULES-209", "未知的事项类型“{kind}”，可选：{kinds}", "Unknown kind of matter '{kind}'; available: {kinds}")
    RULES_UNKNOWN_MEASURE = Detail("RULES-210", "引用了未知措施“{measure}”", "Unknown measure '{measure}'")
    RULES_BAD_VALUE = Detail("RULES-211", "{field} 的取值无效：{detail}", "Invalid value for {field}: {detail}")
    RULES_CASE_FAILED = Detail("RULES-212", "测试用例“{case}”未通过：{detail}", "Test case '{case}' failed: {detail}")
    RULES_RUNTIME = Detail("RULES-213", "规则 {rule} 求值结果无效：{detail}", "Rule {rule} gave an invalid result: {detail}")
    RULES_FILE = Detail("RULES-214", "无法读取规则文件：{detail}", "Cannot read the rule file: {detail}")

    # --- answers (ANS-3xx)
    ANS_FILE = Detail("ANS-301", "无法读取答卷文件：{detail}", "Cannot read the answer file: {detail}")
    ANS_UNKNOWN_QUESTION = Detail("ANS-302", "答卷中有问卷未定义的问题“{question}”", "The answers contain '{question}', which is not a question of this questionnaire")
    ANS_REQUIRED = Detail("ANS-303", "此项为必填项", "This question is required")
    ANS_TYPE = Detail("ANS-304", "应为{expected}，实际为 {got}", "Expected {expected}, got {got}")
    ANS_RANGE = Detail("ANS-305", "取值 {value} 超出允许范围 {range}", "Value {value} is outside the allowed range {range}")
    ANS_CHOICE = Detail("ANS-306", "“{value}”不是有效选项（可选：{choices}）", "'{value}' is not a valid choice (choices: {choices})")
    ANS_CONSTRAINT = Detail("ANS-307", "{message}", "{message}")
    ANS_NOT_FINITE = Detail("ANS-308", "数值必须是有限数，不能为 NaN 或无穷大", "The number must be finite, not NaN or infinity")
    ANS_TOO_LONG = Detail("ANS-309", "文字过长：{length} 字，上限为 {limit} 字", "Text too long: {length} characters, the limit is {limit}")
    ANS_NOT_RELEVANT = Detail("ANS-310", "此问题在当前情形下不适用，已忽略其答案", "This question does not apply here; its answer was ignored")
    ANS_MISSING_KIND = Detail("ANS-311", "答卷未写明事项类型（kind）", "The answer file does not say the kind of matter (kind)")
    ANS_MEASURE = Detail("ANS-312", "措施第 {row} 项：{detail}", "Measure {row}: {detail}")
    ANS_TOO_MANY_ROWS = Detail("ANS-313", "表格行数 {rows} 超过上限 {limit}", "The table has {rows} rows; the limit is {limit}")
    ANS_TOO_LARGE = Detail("ANS-314", "数值 {value} 过大，绝对值不能超过 {limit}", "The number {value} is too large; its absolute value may be at most {limit}")
    ANS_UNKNOWN_KIND = Detail("ANS-315", "未知的事项类型“{kind}”，可选：{kinds}", "Unknown kind of matter '{kind}'; available: {kinds}")
    ANS_UNKNOWN_MEASURE = Detail("ANS-316", "措施库中没有措施“{measure}”", "There is no measure '{measure}' in the measure library")
    ANS_UNKNOWN_FACTOR = Detail("ANS-317", "措施针对的风险因素“{factor}”不存在", "The measure addresses '{factor}', which is not a risk factor")
    ANS_RULESET_MISMATCH = Detail("ANS-318", "答卷注明的规则集为 {given}，当前使用的规则集为 {loaded}；结果按当前规则集评定", "The answer file names the rule set {given}, but {loaded} is in use; the result is scored by the rule set in use")
    ANS_BAD_FIELD = Detail("ANS-319", "答卷字段 {field} 无效：{detail}", "The answer file's field {field} is invalid: {detail}")
    ANS_YAML = Detail("ANS-320", "答卷 YAML 格式错误：{detail}", "Malformed YAML in the answer file: {detail}")

    # --- storage and workflow (STORE-5xx / AUTH-6xx)
    STORE_NOT_FOUND = Detail("STORE-501", "{entity} {id} 不存在", "{entity} {id} does not exist")
    STORE_CONFLICT = Detail("STORE-502", "{entity} {id} 已被他人修改（您看到的是第 {expected} 版，现在是第 {actual} 版）；您的操作未保存，请刷新后重试", "{entity} {id} was changed by someone else (you saw version {expected}, it is now {actual}); your action was not saved: reload and try again")
    STORE_BAD_STATE = Detail("STORE-503", "{entity} {id} 当前状态为“{state}”，不能{action}", "{entity} {id} is '{state}'; it cannot be {action}")
    STORE_FROZEN = Detail("STORE-504", "第 {number} 版已提交，内容不可更改；请在新版本中修改", "Revision {number} has been submitted and can no longer change; make a new revision")
    STORE_OVERRIDE_REASON = Detail("STORE-505", "调整风险等级必须写明理由", "A level override needs a written reason")
    STORE_AUDIT_BROKEN = Detail("STORE-506", "审计日志第 {seq} 条有误（{what}）：{detail}", "Audit entry {seq} {what}: {detail}")
    STORE_DB_UNAVAILABLE = Detail("STORE-507", "无法打开数据库 {url}：{detail}", "Cannot open the database {url}: {detail}")
    STORE_SCHEMA_OUTDATED = Detail("STORE-508", "数据库结构不是最新版本（{current} ≠ {head}），请先运行 wenping db upgrade", "The database schema is not up to date ({current} != {head}); run wenping db upgrade")
    STORE_BUNDLE = Detail("STORE-509", "导入包无效：{detail}", "Invalid bundle: {detail}")
    STORE_WORKBOOK = Detail("STORE-510", "工作簿有误：{detail}", "Workbook problem: {detail}")
    STORE_DUPLICATE = Detail("STORE-511", "{entity}“{key}”已存在", "{entity} '{key}' already exists")
    STORE_INVALID = Detail("STORE-512", "{field}无效：{detail}", "{field} is invalid: {detail}")
    STORE_ANSWERS_INCOMPLETE = Detail("STORE-513", "答卷尚有 {count} 个问题，不能提交", "The answers still have {count} problem(s); they cannot be submitted")
    STORE_SCORING_UNAVAILABLE = Detail("STORE-514", "评分模块不可用：{detail}", "The scoring core is not available: {detail}")
    STORE_REVISION_CHANGED = Detail("STORE-515", "事项 {matter} 第 {number} 版提交后被改动：{detail}", "Matter {matter} revision {number} was changed after submission: {detail}")
    STORE_NO_REVISION = Detail("STORE-516", "事项 {matter} 没有第 {number} 版", "Matter {matter} has no revision {number}")
    STORE_ROW_CHANGED = Detail("STORE-517", "记录 {row} {detail}", "Record {row} {detail}")
    AUTH_BAD_CREDENTIALS = Detail("AUTH-601", "用户名或密码错误", "Wrong user name or password")
    AUTH_LOCKED = Detail("AUTH-602", "连续登录失败次数过多，账户锁定至 {until}", "Too many failed logins; the account is locked until {until}")
    AUTH_DISABLED = Detail("AUTH-603", "账户已停用", "The account is disabled")
    AUTH_PASSWORD_SHORT = Detail("AUTH-604", "密码至少需要 {min} 个字符", "The password needs at least {min} characters")
    AUTH_PASSWORD_WEAK = Detail("AUTH-605", "密码必须同时包含字母和数字", "The password must contain both letters and digits")
    AUTH_PASSWORD_NAME = Detail("AUTH-606", "密码不能包含用户名", "The password must not contain the user name")
    AUTH_FORBIDDEN = Detail("AUTH-607", "用户 {user}（{role}）无权{action}：{target}", "User {user} ({role}) may not {action}: {target}")
    AUTH_ROLE_UNIT = Detail("AUTH-608", "角色 {role} 需要指定：{need}", "Role {role} needs: {need}")

    # --- report (REPORT-4xx)
    REPORT_NO_LIBREOFFICE = Detail("REPORT-401", "未找到 LibreOffice（soffice），无法生成 PDF；请安装 Debian 软件包：{packages}", "LibreOffice (soffice) was not found, so no PDF can be made; install the Debian packages: {packages}")
    REPORT_FONTS_MISSING = Detail("REPORT-402", "缺少报告所需字体 {fonts}，PDF 会用错字体；请安装 Debian 软件包：{packages}", "The report fonts {fonts} are missing, so the PDF would use wrong fonts; install the Debian packages: {packages}")
    REPORT_PDF_FAILED = Detail("REPORT-403", "LibreOffice 未能把报告转换为 PDF（退出码 {status}）：{output}", "LibreOffice could not convert the report to PDF (exit status {status}): {output}")
    REPORT_PDF_TIMEOUT = Detail("REPORT-404", "LibreOffice 转换 PDF 超过 {seconds} 秒仍未完成，已终止：{output}", "LibreOffice did not finish the PDF within {seconds} s and was stopped: {output}")
    REPORT_CHART_FONT = Detail("REPORT-405", "绘制图表缺少中文字体 {font}；请安装 Debian 软件包 {packages}；如已安装，请删除 matplotlib 字体缓存 {cache} 后重试", "The chart font {font} is missing; install the Debian package {packages}; if it is installed, delete matplotlib's font cache {cache} and retry")
    REPORT_NOT_SCORED = Detail("REPORT-406", "事项 {matter} 尚无已提交的评估结果（第 {number} 版未提交），无法生成报告", "Matter {matter} has no submitted result yet (revision {number} was not submitted), so there is no report")
    REPORT_FORMAT = Detail("REPORT-407", "不支持的报告格式“{fmt}”，可选：{formats}", "Unsupported report format '{fmt}'; available: {formats}")
    REPORT_RESULT_UNREADABLE = Detail("REPORT-408", "事项 {matter} 第 {number} 版保存的评估结果无法读取：{detail}", "The stored result of matter {matter} revision {number} cannot be read: {detail}")
    REPORT_TEMPLATE = Detail("REPORT-409", "报告模板 {path} 有误（请检查 {{{{ }}}}、{{%p %}}、{{%tr %}} 占位符是否完整、拼写是否正确）：{detail}", "The report template {path} is faulty (check that the {{{{ }}}}, {{%p %}} and {{%tr %}} placeholders are whole and spelt right): {detail}")

    # --- model (MODEL-7xx)
    MODEL_NONE = Detail("MODEL-701", "{dir} 中尚无学习模型；请先运行 wenping model train", "There is no learned model in {dir}; run wenping model train first")
    MODEL_NOT_FOUND = Detail("MODEL-702", "{dir} 中没有模型版本 {version}", "There is no model version {version} in {dir}")
    MODEL_MANIFEST = Detail("MODEL-703", "模型清单 {file} 缺失或无效：{detail}；模型未加载", "The model manifest {file} is missing or invalid: {detail}; the model was not loaded")
    MODEL_TAMPERED = Detail("MODEL-704", "模型文件 {file} 与清单记录不符（sha256 应为 {expected}，实际为 {actual}），已被改动或损坏；模型未加载", "The model file {file} does not match its manifest (sha256 should be {expected}, is {actual}): it was changed or damaged; the model was not loaded")
    MODEL_NOT_SKOPS = Detail("MODEL-705", "{file} 不是 skops 格式的模型文件（{detail}）；pickle 等其他格式一律不加载", "{file} is not a skops model file ({detail}); pickle and other formats are never loaded")
    MODEL_UNTRUSTED = Detail("MODEL-706", "模型文件 {file} 含有不在信任清单中的类型：{types}；模型未加载", "The model file {file} contains types that are not on the trusted list: {types}; the model was not loaded")
    MODEL_INCOMPATIBLE = Detail("MODEL-707", "模型 {version} 与当前程序不兼容（{detail}）；请运行 wenping model train 重新训练", "Model {version} does not fit this installation ({detail}); run wenping model train to train it again")
    MODEL_POLICY = Detail("MODEL-708", "模型提示规则有误：{detail}", "The model policy is invalid: {detail}")
    MODEL_NO_DATA = Detail("MODEL-709", "没有可用于{purpose}的数据：{detail}", "No data to {purpose}: {detail}")

    @property
    def code(self) -> str:
        return self.value.code

    def text(self, lang: Lang, **params: Any) -> str:
        """The message in `lang`; a param `x_en` replaces `x` in the English text (e.g. a translated label)."""
        if lang == "zh":
            return self.value.zh.format(**params)
        return self.value.en.format(**{k: params.get(f"{k}_en", v) for k, v in params.items()})


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of file, line, an id (rule, question, case), a field, a row, a sheet."""

    file: str | None = None
    line: int | None = None
    id: str | None = None
    field: str | None = None
    row: int | None = None
    sheet: str | None = None

    def render(self, lang: Lang = "zh") -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.sheet:
            parts.append(f"工作表 {self.sheet}" if lang == "zh" else f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"第 {self.row} 行" if lang == "zh" else f"row {self.row}")
        inner = ", ".join(p for p in (self.id, self.field) if p)
        if inner:
            parts.append(f"[{inner}]")
        return " ".join(parts)


@dataclass(frozen=True)
class Problem:
    code: ErrorCode
    params: dict[str, Any] = field(default_factory=dict)
    where: Location = field(default_factory=Location)

    def message(self, lang: Lang = "zh") -> str:
        where = self.where.render(lang)
        body = self.code.text(lang, **self.params)
        return f"{where}: {body} ({self.code.code})" if where else f"{body} ({self.code.code})"

    def to_dict(self, lang: Lang = "zh") -> dict[str, Any]:
        return {
            "code": self.code.code,
            "message": self.code.text(lang, **self.params),
            "where": {k: v for k, v in vars(self.where).items() if v is not None},
        }


class WenpingError(Exception):
    """One or more problems a user can fix. Entry points print them; they never show a traceback."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "zh") -> str:
        return "\n".join(p.message(lang) for p in self.problems)

    @classmethod
    def of(cls, code: ErrorCode, where: Location | None = None, **params: Any) -> "WenpingError":
        return cls(Problem(code, params, where or Location()))
