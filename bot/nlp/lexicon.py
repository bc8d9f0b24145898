"""Word lists the name rules share."""

from __future__ import annotations

# Capitalised words that are not personal names (sentence starts, dates, titles, company words).
EN_NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
january february march april may june july august september october november december jan feb mar apr
jun jul aug sep sept oct nov dec today tomorrow yesterday tonight next this last coming week month year
met meet meeting meetings visited visit visiting call called calling email emailed mail remind reminder
follow followed following followup quote quoted quotation budget price pricing deal deals lead leads new
client clients customer customers prospect prospects company contact contacts account accounts lunch
dinner coffee demo signed sign won win lost move moved update updated sent send spoke speak talked talk
had have has discussed discuss the a an and or with at from for to of on in by our their his her my we
they he she it i also then please thanks thank hi hello dear team sales ltd inc corp llc co group systems
system solutions solution technologies technology tech holdings partners industries global international
china chinese beijing shanghai shenzhen guangzhou hangzhou suzhou tianjin nanjing wuhan chengdu procurement
purchasing director manager head vp president engineer officer chief buyer finance operations marketing
product project engineering technical support service services north south east west asia america europe
pacific happy good great just need check ping ask tell let get set schedule scheduled proposal negotiation
stage payment received invoice contract status show list what which how any when where who why help
closed close dead drop dropped pipeline report note notes went go going will would should could can must
site office room center centre road street hotel airport station university bank hospital
institute school zoom teams wechat dingtalk slack skype microsoft google apple amazon limited corporation
incorporated labs software industry ceo cto coo cfo cio hr it pm am noon re fw fwd ok okay yes no not
after before about around approx approximately per via urgent important asap eod eom eow q1 q2 q3 q4
mr mrs ms miss dr prof sir madam up down out over into onto there here done do does did was were is are
be been being first second third final initial discovery qualification kickoff kick review reviewed
renewal renew trial pilot poc rfp rfq rfi po sow nda msa sla po# dear regards best cheers
""".split())

# Places: not personal names, but they may open an English company name (Shenzhen Robotix Co., Ltd.).
EN_PLACES = frozenset("china chinese beijing shanghai shenzhen guangzhou hangzhou suzhou tianjin nanjing wuhan chengdu "
                      "north south east west asia america europe pacific global international".split())

# Tokens that end a Chinese company name when scanning left from 有限公司/集团 (verbs, particles, time words).
ZH_NAME_STOPS = frozenset("""
的 了 和 与 跟 同 及 或 给 向 对 为 在 到 去 来 从 把 被 让 叫 请 找 约 见 陪 带 帮 替 是 有 就 也 还 都 又 再 先
拜访 拜会 走访 回访 见了 约了 联系 联系了 对接 对接了 接触 接触了 签 签了 签约 中标 谈 谈了 开会 会议 合作
客户 新客户 老客户 线索 新线索 潜在客户 这家 那家 一家 该 我们 我司 他们 你们 对方 今天 明天 后天 昨天 上午
下午 晚上 早上 中午 已经 已 刚 刚刚 刚才 正在 准备 计划 打算 想 要 需要 跟进 电话 打电话 沟通 聊 聊了 发 发了
提交 送 报价 给了 去了 到了 来自 位于 一个 这个 那个 某 几家 多家 认识 认识了 介绍 介绍了 参观 考察 拜见 见到
拜访了 走访了 去过 看望 前往 赶赴 赴 于 由 向 朝 等 等等 关于 针对 通过 经过 以及 而且 但是 还有 新增 录入 添加
一下 跟踪 了解 看看 问问 咨询 商机 项目 订单 合同 竞品 竞争对手 输给 输给了 赢了 选了 选择 选择了 采购 购买
中了 丢给 丢了 新建 创建
""".split())

# Cores that make "<core>公司" a description rather than a name (这家公司, 软件公司, 分公司).
ZH_GENERIC_CORES = frozenset("""
我们 我司 你们 他们 对方 这家 那家 一家 该 贵 本 子 分 总 母 上市 外资 国企 民企 私企 合资 外包 咨询 软件 科技
贸易 物流 网络 信息 技术 投资 金融 保险 证券 建筑 设计 广告 传媒 新 老 大 小 这个 那个 客户 竞品 竞争对手
其他 别的 同一 一些 几家 多家 各 每家 某 原 前 这 那 其 各家 两家 三家 集团 有限 股份 他 她 它 我 你
""".split())

# Place names that may be followed by 和/与 inside a company name (上海和辉光电股份有限公司).
ZH_PLACES = frozenset("""
北京 上海 天津 重庆 深圳 广州 杭州 苏州 南京 武汉 成都 西安 长沙 青岛 宁波 厦门 福州 济南 郑州 合肥 南昌 昆明
贵阳 南宁 海口 沈阳 大连 长春 哈尔滨 石家庄 太原 呼和浩特 兰州 西宁 银川 乌鲁木齐 拉萨 无锡 常州 东莞 佛山
珠海 中山 温州 嘉兴 绍兴 金华 台州 烟台 潍坊 徐州 南通 扬州 泉州 香港 澳门 台湾 中国 江苏 浙江 广东 山东
""".split())
