"""What reads like a commitment in a reply letter and is not one (``corpus/promises.py`` drops it): closing
courtesies, recited policy, the member's own words, advice to others, reports of what is done, deferrals, sign-offs,
expected effects, estimates and consequences."""
from __future__ import annotations

import re

from .metadata import ORG_SUFFIX

# Not promises: the closing courtesies, contact blocks (also in brackets: （此件公开发布）) and what the reader is
# asked to do.
CLOSING = re.compile(r"^(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]\s*)?[（(]?(?:(?:首先|最后|再次|衷心|非常|十分)[，,]?)*(?:感谢|谢谢|致谢|欢迎|希望|恳请|敬请|以上|特此|此复|专此|"
                     r"如有|若有|如您|对以上|对此答复|您对|你对|联系|承办|抄送|抄报|签发|附[:：件]|此件|此答复|此复函|办复|主管|经办)")
COURTESY = re.compile(r"一如既往|很有帮助|大有帮助|提得很好|提的很好|认同和肯定|指导意义和参考价值|研究吸纳|很有见地|高度关注|继续努力|认真研究落实|予以采纳|融合吸收|应用到(?:以后|今后)|认真倾听|积极采纳|吸取采纳|吸收采纳|认真吸纳|认真吸收|贡献力量|改进工作|进一步改进|多提宝贵|提出宝贵|关心和支持|关心、支持")
# A policy recited, not a commitment: a document's own words (《…》提出/明确/要求…) with no replying subject; a document
# something is put into or done by (列入农业部《规划》，计划…; 按照《方案》的指导精神，将于年底前完成…) or one being made
# (正在研制《…计划》，将于今年颁布实施) is no speaker.
RECITED = re.compile(r"(?<![列纳编写]入)(?<![列纳编写]入..)(?<![列纳编写]入...)(?<!按照)(?<!根据)(?<!依据)(?<![研制编起修][制定草订改])《[^》]{2,60}》[^。；]{0,30}(?:提出|明确|要求|规定|指出|强调|将|计划)")
# The member's own words quoted in the reply (建议：相关部门尽早…, 提案建议：国家尽快立项…).
THEIR_WORDS = re.compile(r"^\s*(?:提案|议案|代表|委员)?(?:建议|提案|议案|内容|诉求)[：:]|^[^，,。；关对针]{0,10}?(?:代表|委员)们?(?:提出|建议|希望|反映)(?!的)")
# A law's words (…人民政府应当制定…规划；条例中明确规定，…禁止…): what a rule requires, no commitment of the speaker.
STATUTE = re.compile(r"应当|明确规定")
# What the member proposed (``你们提出的在中银村拟建幼儿园的建议``) and titles: cues inside do not count.
THEIR_ASK = re.compile(r"(?:提出|提到|所提|关于|反映|回应)[^，。；：:]{0,60}?(?:建议|提案|议案|意见|问题)|《[^》]*》|“[^”]{6,}”|\"[^\"]{6,}\""
                       r"|(?:提案|建议|议案)(?:中|里)(?:提出|所提|提到)?的?(?:拟|计划|将)"  # 提案中拟建设的…: the member's plan
                       r"|将[^，。；：:]{0,12}(?:答复|回复|函复|说明|函告)如下")  # 我局将办理情况答复如下: the object 将
# Advice to others (建议医院做好…, 建议永州市加快…): no commitment of the replying side unless it names itself, beyond
# its support (SUPPORT_ONLY: …，我厅将予以关注和指导).
ADVICE = re.compile(r"(?:^|[，,])\s*建议(?![中的书人])"
                    r"|^[^，,。；]{0,4}?各(?:地|级|县|市|区|乡镇|有关单位|相关单位)[^，,。；]{0,6}?(?:可|可以|应|要)(?!将)")  # 各地可依据上述政策…
SUPPORT_ONLY = re.compile(r"将(?:全力|积极|继续|予以|给予)*(?:(?:配合|支持|关注|指导|协助|帮助)[、和好]?)+(?:相关|有关)?(?:工作)?[。；;]?\s*$")
# An item that restates what was proposed (一、加大…,促进农户增收方面的建议。, 关于鼓励研发专用机械设备问题): no measure.
THEIR_POINT = re.compile(r"(?:的|方面的?)(?:建议|提案|意见)[。.]?$|问题[。.]?$")
# Reports of what is already done or under way, when no cue of their own says more is to come.
DONE = re.compile(r"已|以来|没有|荣获|被授予|完成了|建成了|开通了|争取到|申请到|未纳入|意义不大|不具备|正在(?![^，,。；]{0,6}的)|目前|截至|现有|经(?:全面|认真|实地|现场)?(?:排查|核实|核查|调查|查勘|踏勘)")
# A deferral (再予以认真研究, 需待上级相关部门的进一步指导安排), a forecast (价格有望下调), a refusal (不建议安装) or the
# courtesy of joining the proposal's handling to the work (将提案办理与…有机结合): no commitment.
SOFT = re.compile(r"(?:提案|建议)办理(?:工作)?[与和同]|高质量的?办理|相信|有望|可(?:以)?考虑|再予以(?:认真)?研究|予以(?:认真)?研究考虑|有待(?:今后|以后|日后)|[需有]待上级|统筹考虑|条件具备|条件成熟|不建议|不宜|不适合|不适宜")
# A sign-off line or a table cell: a date, a body's name, a place (柞水县城市管理局, 北斗岭村石龙片).
SIGNATURE = re.compile(rf"[\d〇零○一二三四五六七八九十]{{2,4}}\s*年.{{1,6}}日|[^，,。；\s]{{2,24}}(?:{ORG_SUFFIX}|村|片|组|镇|乡)")
FRAME = re.compile(r"在(?:目前|现有)[^，,。；]{0,16}?(?:下|中)|(?:依托|利用|整合|盘活|用好|发挥)现有")  # frames, reports nothing
# What a finished work will bring about is an expected effect, not a further commitment (将缓解…, 届时将为…提供,
# 随着《条例》的出台，将推动…).
EFFECT = re.compile(r"(?:后|届时|时)?将(?:进一步|切实|更好地?)?(?:为[^，。；]{0,30}提供|有效|极大|大大|满足|缓解|得到缓解|改善|方便|调动|带动|拉动|激发|成为)"
                    r"|(?:建成|完成|实施|投用|投入使用)后?将|建设后将|将[^，。；]{0,30}得到(?:提升|改善|加强|缓解)"
                    r"|通过(?:以上|上述)[^，。；]{0,10}(?:可以|能够|将)|^随着[^。；]{2,40}[，,]\s*将"
                    r"|将(?:会)?(?:面临|面对)|发展将(?:进一步)?(?:推动|促进|带动)")

# A judgement closing the sentence (尽快启动建设对于…都具有十分重要的作用。): what a measure is worth, no commitment.
JUDGEMENT = re.compile(r"具有[^，,。；;]{0,12}(?:作用|意义)[。；;]?\s*$")

# An estimate of an amount (预计面积为60-80平方米, 预计…治理面积将达到83.89km2): a forecast, no commitment.
ESTIMATE = re.compile(r"预计[^，,。；;]{0,24}?(?:达到|为|合计|共计?|约|突破|超过)\s*[\d约近]|预计[^。；;]{0,30}?完成后[^。；;]{0,20}?可达"
                      r"|预计[^，,。；;]{0,30}?(?:达到|进入)[^，,。；;]{0,8}?(?:高峰|峰值)"  # 预计…到2023年达到产出高峰期
                      r"|拟[^，,。；;]{0,6}(?:标准|规模)为")  # a plan's size (…投资匡算798亿元，拟建设标准为时速350公里)

# What would happen if… (一旦发生灾害事故，将会严重威胁…): a consequence, no commitment of the replying side.
CONDITION = re.compile(r"(?:一旦|如果|倘若|假如|否则|如在|若在|如再)[^。；]{0,60}将")
