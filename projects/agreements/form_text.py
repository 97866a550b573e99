"""The printed text of the issued 任务书 form (seed 001) that no party fills in: the notes,
the fixed paragraphs of sections 二 to 四, the obligations. A signed contract carries all of
it, whatever the platform kind, so the .docx prints it word for word from here."""

from ..models import PlatformKind
from .rules import STAFF_LIMITS

INSTRUCTIONS = (
    "1.本任务书的甲方是指{principal}；乙方是指项目承担单位。",
    "2.任务书应根据承担单位报送的专利转化专项申报书（平台类）和{principal}提出的修改意见认真填写。",
    "3.乙方认真填写任务书内各项内容，应实事求是，表述明确，格式规范，字迹工整易辨，可以打印填表。",
    "4.任务书填写，要求单位完整信息，任务书相关内容规范、完备，甲方、乙方签字盖章。",
    "5.任务书为A4纸，甲方执两份，乙方和参与单位各执一份。",
)

TASKS_PREAMBLE = (
    "（总平台或子平台根据申报通知中要求，开展相关工作，满足专利转化运用的绩效目标，包括但不限于以下方面：）"
)
TASKS_OTHER = "其他专利转化运用相关工作"
SCHEDULE_NOTE = (
    "拟开展重点工作及具体措施等；为完成项目任务拟定的时间表，以及项目开展的方式、方法和阶段目标。项目期限为{years}年。"
)
DELIVERABLES_PREAMBLE = "对总平台和子平台分别设立功能类指标和服务类指标。"

MAIN_FUNCTIONS = (
    "1.数据交汇功能：支持对全省专利转化相关数据的入库、统计、分析、智能匹配和监测，并按接口集成的方式或分布式集中的方式，"
    "建设湖北专利运用公共服务大数据中心。建立湖北省专利技术需求信息采集、入库和推广的数据标准规范，提供统一数据接口，实现数据交汇。",
    "2.智能匹配功能：通过战略性新兴产业分类， 并结合专利引证图谱关系，形成行业标签；利用专利的行业标签与专利需求进行比对分析，"
    "实现专利供需智能匹配，精准推送与企业需求相匹配的专利技术和研发团队。",
    "3.分析功能：建立需求智能诊断模型，对汇集的需求信息进行诊断，过滤掉表述“不准确、不专业”的需求信息；"
    "同时对保留下来的需求信息进行分析，辅助专利技术与需求智能推荐匹配的实现。",
    "4.展示功能：应用知识图谱技术，具备良好的可视化展示功能。数据库包括全省实时动态专利信息库，企业研发需求信息库，"
    "技术专家库、服务机构库（含专利代理机构、维权机构和金融机构）、企业库、政策信息库等。",
    "5.创新工具集成功能：集成研发或引进嵌入一批实用性强的工具系统。其中重点实现专利检索评估、统计分析、运营监测分析和专利导航功能。",
)
MAIN_SERVICES = (
    "1.组织不少于200家左右高校院所、50家左右国有企业且可运营的专利数据信息入库，对全省全部高校的存量专利全部进行价值评估分析，"
    "实现分级分类管理；每家高校、院所、企业有明晰的实施清单，专利权运用许可清单；",
    "2.汇聚各类子平台采集的技术研发需求信息，按区域、产业分类，实施需求诊断分析，对每项有效需求给出智能匹配方案的推荐建议；",
    "3.支撑各子平台优先面向重点产业的产业链构建一批产业专利池；",
    "4.遵照国家知识产权局的备案考核要求，支撑各类子平台对专利转化运用成效及时在线备案；",
    "5.支撑各子平台，联合高校院所专家、金融机构与企业，开展线上线下专利技术供需对接活动。",
)
SUB_SERVICE_NOTE = "各子平台依据各自实际情况，填报服务和运营指标，并将具体的量化指标填入附表。"

BUDGET_NOTE = (
    "经费使用说明：（分项列出金额，并注明测算依据，其中专项经费主要用于专利转化服务工作，"
    "原则上用于基础设施建设或信息化软硬件等设备购置的费用不得超过专项经费总额的20%）"
)
# The caps are the rule's own numbers (rules.STAFF_LIMITS), printed in the form's wording.
STAFF_NOTE = f"（主平台不得超过{STAFF_LIMITS[PlatformKind.MAIN]}人，子平台不得超过{STAFF_LIMITS[PlatformKind.SUB]}人）"

OBLIGATION_FUNDS = "1、甲方向乙方拨付财政资金总额为人民币{amount}，乙方确保财政资金专款专用。"
OBLIGATION_CHECKS = (
    "2、甲方有权根据本任务书规定的内容，检查项目进展和经费使用情况。乙方接受甲方项目中期检查，并向甲方提交《项目中期报告》。"
    "乙方违反经费使用规定，或经甲方检查确认计划进度不符合任务书约定的，甲方有权要求乙方限期整改，"
    "若整改结果仍不能满足甲方要求，甲方有权终止任务书，并追回财政资金。"
)
OBLIGATION_REPORTS = (
    "3、乙方应于项目期内每年12月31日前{progress}向甲方提交项目实施进展报告，于{final}前向甲方提交项目成果"
    "（附项目涉及的资料素材、软件及文档电子版）和经费使用决算报告（加盖财务印章）。"
    "乙方无正当原因未能按时完成项目任务，甲方有权追回财政资金，同时责令乙方项目负责人做出书面说明。"
)
OBLIGATION_ACCEPTANCE = "4、甲方按此任务书对乙方项目组织验收，并留存项目验收档案。"
OBLIGATION_OTHER = "5、本任务执行期间，如遇不可抗力，致使任务无法履行时，双方应按有关法律规定及时协商处理。本合同中未规定的事宜，由双方及时协商处理。"
# The form leaves the amount open: the figure and its capitals are written in by hand.
FUNDS_BLANK = "        （大写）元整"

# How many of each the blank form prints, so that a form not yet filled keeps room to write.
PARTICIPANT_SLOTS = 2
EXPENSE_ROWS = 6
STAFF_ROWS = 9
