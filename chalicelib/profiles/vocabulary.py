"""The controlled vocabulary of 光年间: hobbies, sports, places, education levels.

Codes are stable ASCII slugs (they go into index keys); members see the Chinese labels.
"""
from __future__ import annotations

HOBBIES: dict[str, str] = {
    "reading": "阅读", "movies": "看电影", "music": "听音乐", "singing": "唱歌", "photography": "摄影",
    "travel": "旅行", "cooking": "烹饪", "baking": "烘焙", "tea": "茶艺", "coffee": "咖啡",
    "painting": "绘画", "calligraphy": "书法", "guitar": "吉他", "piano": "钢琴", "boardgames": "桌游",
    "gaming": "电子游戏", "anime": "动漫", "pets": "撸猫撸狗", "gardening": "养花种草", "handcraft": "手工",
    "volunteering": "志愿服务", "theatre": "看话剧", "museums": "逛展览", "food": "探店美食",
    "writing": "写作", "chess": "围棋象棋", "dance": "跳舞", "camping": "露营", "fishing": "钓鱼",
    "languages": "学外语",
}
SPORTS: dict[str, str] = {
    "hiking": "徒步", "badminton": "羽毛球", "running": "跑步", "swimming": "游泳", "basketball": "篮球",
    "football": "足球", "table_tennis": "乒乓球", "tennis": "网球", "cycling": "骑行", "yoga": "瑜伽",
    "fitness": "健身", "climbing": "攀岩", "skiing": "滑雪", "frisbee": "飞盘", "rowing": "划船",
    "taichi": "太极", "volleyball": "排球", "skating": "轮滑",
}
INTERESTS: dict[str, str] = {**HOBBIES, **SPORTS}

EDUCATION: dict[str, str] = {
    "high_school": "高中/中专", "college": "大专", "bachelor": "本科", "master": "硕士", "doctor": "博士",
}
GENDERS: dict[str, str] = {"male": "男", "female": "女"}

PROVINCE = "zj"
CITIES: dict[str, str] = {
    "hz": "杭州", "nb": "宁波", "wz": "温州", "jx": "嘉兴", "huz": "湖州", "sx": "绍兴",
    "jh": "金华", "qz": "衢州", "zs": "舟山", "tz": "台州", "ls": "丽水",
}
DISTRICTS: dict[str, dict[str, str]] = {
    "hz": {"xihu": "西湖区", "shangcheng": "上城区", "gongshu": "拱墅区", "binjiang": "滨江区",
           "xiaoshan": "萧山区", "yuhang": "余杭区", "linping": "临平区", "qiantang": "钱塘区",
           "fuyang": "富阳区", "linan": "临安区"},
    "nb": {"haishu": "海曙区", "jiangbei": "江北区", "yinzhou": "鄞州区", "yuyao": "余姚市", "cixi": "慈溪市"},
    "wz": {"lucheng": "鹿城区", "ouhai": "瓯海区", "longwan": "龙湾区", "ruian": "瑞安市", "yueqing": "乐清市"},
    "jx": {"nanhu": "南湖区", "xiuzhou": "秀洲区", "tongxiang": "桐乡市", "haining": "海宁市"},
    "huz": {"wuxing": "吴兴区", "nanxun": "南浔区", "deqing": "德清县", "changxing": "长兴县", "anji": "安吉县"},
    "sx": {"yuecheng": "越城区", "keqiao": "柯桥区", "shangyu": "上虞区", "zhuji": "诸暨市"},
    "jh": {"wucheng": "婺城区", "jindong": "金东区", "yiwu": "义乌市", "dongyang": "东阳市", "yongkang": "永康市"},
    "qz": {"kecheng": "柯城区", "qujiang": "衢江区", "jiangshan": "江山市"},
    "zs": {"dinghai": "定海区", "putuo": "普陀区"},
    "tz": {"jiaojiang": "椒江区", "huangyan": "黄岩区", "luqiao": "路桥区", "wenling": "温岭市", "linhai": "临海市"},
    "ls": {"liandu": "莲都区", "jinyun": "缙云县", "longquan": "龙泉市", "qingtian": "青田县"},
}

MAX_HOBBIES = 8
MAX_SPORTS = 5
MAX_INTERESTS = 10          # hobbies + sports together (bounds the browse index fan-out)
MAX_FREE_TAGS = 3
AGE_BAND_YEARS = 5          # browse partitions group birth years in bands of five


def label(code: str) -> str:
    return INTERESTS.get(code, code)


def join_labels(codes: list[str]) -> str:
    """["hiking", "badminton", "tea"] → "徒步、羽毛球和茶艺"."""
    names = [label(c) for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return "、".join(names[:-1]) + "和" + names[-1]


def band_of(birth_year: int) -> int:
    return birth_year // AGE_BAND_YEARS * AGE_BAND_YEARS


def bands_between(first_year: int, last_year: int) -> list[int]:
    """Age bands (by birth year) touching [first_year, last_year], newest first."""
    return list(range(band_of(last_year), band_of(first_year) - 1, -AGE_BAND_YEARS))
