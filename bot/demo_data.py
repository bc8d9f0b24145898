"""Word pools for the demo company (`dealbot demo`): people, cities, company names, deal topics, notes."""

from __future__ import annotations

from domain.activity import FollowUpKind
from domain.opportunity import LostReason, Stage


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """'张伟 zhangwei 王芳 wangfang' → (('张伟', 'zhangwei'), ('王芳', 'wangfang'))."""
    words = text.split()
    return tuple(zip(words[::2], words[1::2], strict=True))


def _triples(text: str) -> tuple[tuple[str, str, str], ...]:
    """'上海 shanghai 021 ...' → (('上海', 'shanghai', '021'), ...)."""
    words = text.split()
    return tuple(zip(words[::3], words[1::3], words[2::3], strict=True))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# (team, region, cities as (name, pinyin, area code))
TEAMS: tuple[tuple[str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("华东一组", "华东", _triples("上海 shanghai 021 杭州 hangzhou 0571 南京 nanjing 025 苏州 suzhou 0512 "
                                 "宁波 ningbo 0574 无锡 wuxi 0510 合肥 hefei 0551 常州 changzhou 0519 "
                                 "温州 wenzhou 0577")),
    ("华南一组", "华南", _triples("广州 guangzhou 020 深圳 shenzhen 0755 东莞 dongguan 0769 佛山 foshan 0757 "
                                 "珠海 zhuhai 0756 厦门 xiamen 0592 福州 fuzhou 0591 泉州 quanzhou 0595 "
                                 "中山 zhongshan 0760")),
    ("华北一组", "华北", _triples("北京 beijing 010 天津 tianjin 022 济南 jinan 0531 青岛 qingdao 0532 "
                                 "太原 taiyuan 0351 烟台 yantai 0535 潍坊 weifang 0536 "
                                 "石家庄 shijiazhuang 0311 保定 baoding 0312")),
)
REGION_WEIGHTS = (4, 3, 3)

# Our own sales people: (name, console id). Twelve are drawn.
STAFF = _pairs(
    "张伟 zhangwei 王芳 wangfang 李娜 lina 刘洋 liuyang 陈静 chenjing 杨磊 yanglei "
    "赵敏 zhaomin 黄涛 huangtao 周杰 zhoujie 吴婷 wuting 徐明 xuming 孙丽 sunli "
    "马超 machao 朱琳 zhulin 胡斌 hubin 郭晶 guojing 何鹏 hepeng 林峰 linfeng 罗佳 luojia "
    "高翔 gaoxiang 梁宇 liangyu 宋雨 songyu 郑凯 zhengkai 谢婷婷 xietingting"
)
STAFF_MAIL_DOMAIN = "sales.example.com"

BRAND_FIRST = _pairs(
    "华 hua 恒 heng 瑞 rui 鼎 ding 天 tian 博 bo 安 an 金 jin 新 xin 联 lian 云 yun "
    "启 qi 嘉 jia 宏 hong 卓 zhuo 汇 hui 凯 kai 永 yong 盛 sheng 德 de 海 hai 东 dong "
    "泰 tai 明 ming 中 zhong 远 yuan 智 zhi 诚 cheng"
)
BRAND_SECOND = _pairs(
    "途 tu 通 tong 丰 feng 成 cheng 达 da 桥 qiao 域 yu 创 chuang 帆 fan 航 hang 禾 he "
    "图 tu 越 yue 科 ke 邦 bang 源 yuan 泽 ze 辰 chen 拓 tuo 信 xin 捷 jie 立 li "
    "翔 xiang 峰 feng 润 run 瀚 han 维 wei 晟 sheng"
)
MAIL_SUFFIXES = (".com", ".com", ".com", ".com.cn", ".cn")

# industry -> (weight, words for company names, deal topics)
INDUSTRIES: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "制造": (20, _words("精密机械 智能装备 机电 新材料 汽车零部件 电气"),
             _words("MES系统实施 设备联网与数据采集 ERP升级 质量追溯系统 智能仓储改造 工业互联网平台")),
    "金融": (10, _words("融资租赁 金融服务 保险经纪 投资管理 小额贷款"),
             _words("风控平台建设 数据中台项目 核心系统升级 移动展业App 反洗钱系统 信创改造")),
    "医疗": (10, _words("医疗器械 生物医药 医药科技 健康管理"),
             _words("HIS系统升级 医疗影像云 院内物流SPD项目 学术推广CRM 冷链追溯系统 GSP合规系统")),
    "教育": (10, _words("教育科技 教育咨询 职业培训 文化传播"),
             _words("智慧校园平台 在线学习平台 排课与教务系统 实训室建设 招生CRM 数据中心扩容")),
    "政府": (10, (),
             _words("政务云平台 数据治理项目 一网通办系统升级 视频会议系统 等保测评服务 城市运行监测平台")),
    "零售": (10, _words("商贸 连锁超市 百货 电子商务"),
             _words("会员营销系统 门店数字化 全渠道订单中台 供应链协同平台 POS系统更换 经营分析BI")),
    "能源": (10, _words("新能源 电力工程 能源科技 光伏科技"),
             _words("光伏电站运维平台 能耗监测系统 储能EMS项目 安全生产管理系统 设备预测性维护 "
                    "充电桩运营平台")),
    "物流": (10, _words("物流 供应链管理 冷链物流 国际货运代理"),
             _words("TMS运输管理系统 WMS仓储升级 车队管理与GPS 冷链监控平台 关务系统 结算对账平台")),
    "互联网": (10, _words("网络科技 信息技术 数字科技 软件"),
               _words("云资源采购 安全等保服务 数据库迁移 CDN加速服务 研发效能平台 客服系统升级")),
}
# Government customers: (bureau, short form, mail prefix)
BUREAUS = _triples(
    "大数据管理局 数据局 sjj 交通运输局 交通局 jtj 市场监督管理局 市场监管局 scjgj "
    "人力资源和社会保障局 人社局 rsj 卫生健康委员会 卫健委 wjw 教育局 教育局 jyj "
    "政务服务管理局 政务服务局 zwfw 住房和城乡建设局 住建局 zjj 应急管理局 应急局 yjj")
TAGS = _words("重点客户 老客户 高潜力 招投标 国企 民企 外资 上市公司 渠道合作 战略客户")
COMPANY_MAILBOXES = ("info", "contact", "sales", "service", "market")

SURNAMES = _pairs(
    "何 he 宋 song 马 ma 王 wang 李 li 张 zhang 刘 liu 陈 chen 杨 yang 赵 zhao "
    "黄 huang 周 zhou 吴 wu 徐 xu 孙 sun 胡 hu 朱 zhu 高 gao 林 lin 郭 guo 罗 luo "
    "梁 liang 谢 xie 韩 han 唐 tang 冯 feng 曹 cao 彭 peng 曾 zeng 邓 deng 许 xu "
    "沈 shen 叶 ye 潘 pan 杜 du"
)
GIVEN_NAMES = _pairs(
    "建国 jianguo 志强 zhiqiang 海燕 haiyan 立新 lixin 红梅 hongmei 晓东 xiaodong "
    "文博 wenbo 丽华 lihua 永刚 yonggang 静怡 jingyi 国栋 guodong 秀英 xiuying 子涵 zihan "
    "俊杰 junjie 雪 xue 磊 lei 芳 fang 勇 yong 敏 min 涛 tao 鹏 peng 婷 ting 斌 bin "
    "杰 jie 慧 hui 军 jun 晨 chen 宇航 yuhang 梦洁 mengjie"
)
# (title, how people address them after the surname: 何总, 宋经理, 马工)
TITLES = _pairs("总经理 总 副总经理 总 采购经理 经理 IT经理 经理 项目经理 经理 信息中心主任 主任 "
                "财务总监 总 高级工程师 工 技术负责人 工 运营总监 总")
GOV_TITLES = _pairs("处长 处 科长 科 信息中心主任 主任 副局长 局 工程师 工")

STAGE_COUNTS = {Stage.INITIAL_CONTACT: 80, Stage.PROPOSAL: 70, Stage.NEGOTIATION: 50, Stage.WON: 90,
                Stage.LOST: 110}

KIND_WEIGHTS = {FollowUpKind.CALL: 35, FollowUpKind.WECHAT: 25, FollowUpKind.VISIT: 15,
                FollowUpKind.MEETING: 10, FollowUpKind.EMAIL: 10, FollowUpKind.NOTE: 5}
NOTES: dict[Stage, tuple[str, ...]] = {
    Stage.INITIAL_CONTACT: (
        "和{call}电话沟通，{short}今年有{topic}的计划，预算还在申请",
        "{call}介绍了现有系统的痛点，约了下周详细交流",
        "加了{call}微信，发了公司介绍和两个同行业案例",
        "拜访{short}，见了{call}和IT部门，需求比较明确",
        "展会上认识{call}，对{topic}有兴趣，先发资料"),
    Stage.PROPOSAL: (
        "给{call}演示了方案，对报表和移动端比较感兴趣",
        "方案初稿已发{call}，等技术部反馈",
        "{call}反馈接口部分要细化，约了再讲一次",
        "和{call}过了一遍报价，觉得偏高，建议拆分一期二期",
        "{call}带我们见了业务部门负责人，方案方向认可"),
    Stage.NEGOTIATION: (
        "{call}希望价格再降 5%，付款方式想改成 3-6-1",
        "合同初稿已发对方法务审核",
        "和采购部对了一遍商务条款，基本没有问题",
        "{call}说领导原则上同意，等走审批流程",
        "竞品也在报价，{call}透露我们技术分更高"),
    Stage.WON: ("合同已盖章回传，{call}安排首付款", "签约完成，和{call}约了项目启动会"),
    Stage.LOST: ("{call}告知项目没有选我们：{reason}",),
}
NEXT_STEPS: dict[Stage, tuple[str, ...]] = {
    Stage.INITIAL_CONTACT: ("电话回访{call}，确认需求", "约{call}上门拜访", "发送案例和产品白皮书给{call}"),
    Stage.PROPOSAL: ("提交方案给{call}", "线上方案演示", "与{call}对齐技术方案", "补充报价明细"),
    Stage.NEGOTIATION: ("与{call}谈价格和付款方式", "确认合同条款", "跟进采购审批", "约{call}签约"),
}
QUOTE_NOTES = ("初版报价", "按客户要求去掉二期模块", "折扣调整", "增加三年维保", "按数量阶梯价调整")
LOST_REASONS: dict[LostReason, tuple[int, str]] = {
    LostReason.PRICE: (30, "报价比竞品高约 15%，客户选了低价方案"),
    LostReason.COMPETITOR: (25, "客户选了{competitor}，对方有同行业案例"),
    LostReason.BUDGET: (15, "今年预算被砍，项目取消"),
    LostReason.TIMING: (10, "项目推迟到明年再议"),
    LostReason.REQUIREMENTS: (10, "客户要求私有化部署，我们的产品暂不支持"),
    LostReason.NO_DECISION: (7, "客户内部一直没定下来，项目搁置"),
    LostReason.OTHER: (3, "对接人离职，新负责人另有安排"),
}
COMPETITORS = ("用友", "金蝶", "浪潮", "东软", "华为云", "阿里云", "本地集成商")
# Payment plans: (percent, note, days after signing)
PAYMENT_PLANS = (
    ((30, "预付款", 10), (60, "验收款", 90), (10, "质保金", 365)),
    ((50, "签约款", 15), (50, "验收款", 60)),
    ((100, "一次性付款", 30),),
    ((40, "预付款", 7), (40, "上线款", 75), (20, "验收款", 150)),
)
