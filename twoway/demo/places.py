"""Places for the demo: US towns with their ZIP prefixes, Chinese cities with their GB/T 2260
codes and postcodes, county codes for resident IDs, and the names people and firms go by."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UsTown:
    city: str
    zip3: str  # first three digits of the ZIP code (USPS sectional center)


@dataclass(frozen=True)
class UsStatePlaces:
    name_zh: str
    weight: int  # how many small makers (used for the Midwest mix)
    towns: tuple[UsTown, ...]


def _t(*pairs: str) -> tuple[UsTown, ...]:
    return tuple(UsTown(*p.split("|")) for p in pairs)


US_STATES: dict[str, UsStatePlaces] = {
    # Midwest (Census region): weights roughly follow the number of small manufacturers.
    "IL": UsStatePlaces(
        "伊利诺伊州",
        14,
        _t("Chicago|606", "Peoria|616", "Rockford|611", "Champaign|618", "Naperville|605"),
    ),
    "IN": UsStatePlaces(
        "印第安纳州", 9, _t("Indianapolis|462", "Fort Wayne|468", "Lafayette|479", "Evansville|477")
    ),
    "IA": UsStatePlaces(
        "艾奥瓦州",
        8,
        _t("Des Moines|503", "Cedar Rapids|524", "Ames|500", "Dubuque|520", "Sioux City|511"),
    ),
    "KS": UsStatePlaces(
        "堪萨斯州", 5, _t("Wichita|672", "Topeka|666", "Salina|674", "Manhattan|665")
    ),
    "MI": UsStatePlaces(
        "密歇根州",
        11,
        _t("Traverse City|496", "Grand Rapids|495", "Lansing|489", "Detroit|482", "Kalamazoo|490"),
    ),
    "MN": UsStatePlaces(
        "明尼苏达州",
        10,
        _t("Minneapolis|554", "Saint Paul|551", "Duluth|558", "Bemidji|566", "Rochester|559"),
    ),
    "MO": UsStatePlaces(
        "密苏里州", 8, _t("Kansas City|641", "St. Louis|631", "Springfield|658", "Columbia|652")
    ),
    "NE": UsStatePlaces(
        "内布拉斯加州", 5, _t("Omaha|681", "Lincoln|685", "Grand Island|688", "North Platte|691")
    ),
    "ND": UsStatePlaces(
        "北达科他州", 3, _t("Fargo|581", "Bismarck|585", "Grand Forks|582", "Minot|587")
    ),
    "OH": UsStatePlaces(
        "俄亥俄州",
        13,
        _t("Columbus|432", "Cleveland|441", "Cincinnati|452", "Toledo|436", "Dayton|454"),
    ),
    "SD": UsStatePlaces(
        "南达科他州", 3, _t("Sioux Falls|571", "Rapid City|577", "Aberdeen|574", "Brookings|570")
    ),
    "WI": UsStatePlaces(
        "威斯康星州",
        11,
        _t("Wausau|544", "Madison|537", "Milwaukee|532", "Green Bay|543", "Eau Claire|547"),
    ),
    # Elsewhere: the states of the non-Midwest lines.
    "KY": UsStatePlaces(
        "肯塔基州", 1, _t("Bardstown|400", "Louisville|402", "Lexington|405", "Frankfort|406")
    ),
    "TN": UsStatePlaces("田纳西州", 1, _t("Nashville|372", "Lynchburg|373", "Knoxville|379")),
    "CA": UsStatePlaces(
        "加利福尼亚州",
        1,
        _t("Fresno|937", "Modesto|953", "Sacramento|958", "Napa|945", "Chico|959"),
    ),
    "OR": UsStatePlaces(
        "俄勒冈州", 1, _t("Salem|973", "Portland|972", "Eugene|974", "Newberg|971")
    ),
    "WA": UsStatePlaces(
        "华盛顿州", 1, _t("Wenatchee|988", "Yakima|989", "Seattle|981", "Walla Walla|993")
    ),
    "AK": UsStatePlaces(
        "阿拉斯加州", 1, _t("Anchorage|995", "Dillingham|995", "Kodiak|996", "Juneau|998")
    ),
    "HI": UsStatePlaces("夏威夷州", 1, _t("Kailua-Kona|967", "Hilo|967", "Honolulu|968")),
    "CO": UsStatePlaces("科罗拉多州", 1, _t("Denver|802", "Fort Collins|805", "Boulder|803")),
    "NY": UsStatePlaces("纽约州", 1, _t("Geneva|144", "Albany|122", "Ithaca|148")),
    "PA": UsStatePlaces("宾夕法尼亚州", 1, _t("Lancaster|176", "Hershey|170", "Pittsburgh|152")),
    "VT": UsStatePlaces("佛蒙特州", 1, _t("Montpelier|056", "Burlington|054", "St. Johnsbury|058")),
    "ME": UsStatePlaces("缅因州", 1, _t("Machias|046", "Bangor|044", "Portland|041")),
    "MA": UsStatePlaces("马萨诸塞州", 1, _t("Plymouth|023", "Wareham|025", "Carver|023")),
    "NJ": UsStatePlaces("新泽西州", 1, _t("Hammonton|083", "Trenton|086", "Newark|071")),
    "GA": UsStatePlaces("佐治亚州", 1, _t("Albany|317", "Macon|312", "Savannah|314")),
    "TX": UsStatePlaces("得克萨斯州", 1, _t("San Antonio|782", "Austin|787", "Fort Worth|761")),
    "UT": UsStatePlaces("犹他州", 1, _t("Salt Lake City|841", "Provo|846", "Ogden|844")),
}

US_SURNAMES: tuple[tuple[str, str], ...] = (
    ("Hoffmann", "霍夫曼"), ("Schultz", "舒尔茨"), ("Larson", "拉森"), ("Olson", "奥尔森"),
    ("Johnson", "约翰逊"), ("Miller", "米勒"), ("Anderson", "安德森"), ("Peterson", "彼得森"),
    ("Nelson", "纳尔逊"), ("Becker", "贝克尔"), ("Meyer", "迈耶"), ("Weber", "韦伯"),
    ("Wagner", "瓦格纳"), ("Koch", "科赫"), ("Jensen", "延森"), ("Lindqvist", "林德奎斯特"),
    ("Kowalski", "科瓦尔斯基"), ("Novak", "诺瓦克"), ("Hansen", "汉森"), ("Thompson", "汤普森"),
    ("Walker", "沃克"), ("Brooks", "布鲁克斯"), ("Carter", "卡特"), ("Reed", "里德"),
    ("Bauer", "鲍尔"), ("Fischer", "菲舍尔"), ("Lund", "伦德"), ("Dvorak", "德沃夏克"),
    ("Yang", "杨"), ("Vang", "王"), ("Garcia", "加西亚"), ("Martinez", "马丁内斯"),
    ("O'Brien", "奥布莱恩"), ("Sullivan", "沙利文"), ("Murphy", "墨菲"), ("Kelly", "凯利"),
    ("Baker", "贝克"), ("Cooper", "库珀"), ("Morgan", "摩根"), ("Harris", "哈里斯"),
)  # fmt: skip

US_PLACE_WORDS: tuple[tuple[str, str], ...] = (
    ("Prairie", "草原"), ("River Bend", "河湾"), ("Lakeside", "湖畔"), ("Northwoods", "北林"),
    ("Cedar Creek", "雪松溪"), ("Oak Hill", "橡树山"), ("Maple Grove", "枫树林"), ("Twin Lakes", "双湖"),
    ("Heartland", "中心地带"), ("Blue Earth", "蓝土"), ("Sunrise", "日出"), ("Golden Valley", "金谷"),
    ("Big Sky", "大天空"), ("Red Barn", "红谷仓"), ("Willow Creek", "柳溪"), ("Stone Ridge", "石岭"),
)  # fmt: skip

US_SUFFIXES: tuple[str, ...] = ("LLC", "Inc.", "Co.", "LLC", "Ltd.", "LLC", "Family Farms LLC")


@dataclass(frozen=True)
class CnCity:
    name_en: str
    name_zh: str
    region_code: str  # GB/T 2260, 6 digits: the USCC's registering region
    postcode: str  # first four digits; the last two vary


CN_PROVINCE_NAMES: dict[str, tuple[str, str]] = {
    "11": ("Beijing", "北京"), "12": ("Tianjin", "天津"), "13": ("Hebei", "河北"),
    "14": ("Shanxi", "山西"), "15": ("Inner Mongolia", "内蒙古"), "21": ("Liaoning", "辽宁"),
    "22": ("Jilin", "吉林"), "23": ("Heilongjiang", "黑龙江"), "31": ("Shanghai", "上海"),
    "32": ("Jiangsu", "江苏"), "33": ("Zhejiang", "浙江"), "34": ("Anhui", "安徽"),
    "35": ("Fujian", "福建"), "36": ("Jiangxi", "江西"), "37": ("Shandong", "山东"),
    "41": ("Henan", "河南"), "42": ("Hubei", "湖北"), "43": ("Hunan", "湖南"),
    "44": ("Guangdong", "广东"), "45": ("Guangxi", "广西"), "46": ("Hainan", "海南"),
    "50": ("Chongqing", "重庆"), "51": ("Sichuan", "四川"), "52": ("Guizhou", "贵州"),
    "53": ("Yunnan", "云南"), "54": ("Tibet", "西藏"), "61": ("Shaanxi", "陕西"),
    "62": ("Gansu", "甘肃"), "63": ("Qinghai", "青海"), "64": ("Ningxia", "宁夏"),
    "65": ("Xinjiang", "新疆"),
}  # fmt: skip

CN_CITIES: dict[str, tuple[CnCity, ...]] = {
    "12": (CnCity("Tianjin", "天津", "120116", "3004"),),
    "15": (CnCity("Bayannur", "巴彦淖尔", "150802", "0150"),),
    "32": (CnCity("Suzhou", "苏州", "320505", "2150"), CnCity("Changzhou", "常州", "320411", "2130"),
           CnCity("Wuxi", "无锡", "320214", "2140"), CnCity("Nantong", "南通", "320602", "2260")),
    "33": (CnCity("Yiwu", "义乌", "330782", "3220"), CnCity("Hangzhou", "杭州", "330106", "3100"),
           CnCity("Ningbo", "宁波", "330212", "3150"), CnCity("Wenzhou", "温州", "330302", "3250"),
           CnCity("Huzhou", "湖州", "330502", "3130")),
    "34": (CnCity("Hefei", "合肥", "340104", "2300"),),
    "35": (CnCity("Jinjiang", "晋江", "350582", "3622"), CnCity("Xiamen", "厦门", "350206", "3610"),
           CnCity("Putian", "莆田", "350302", "3511")),
    "37": (CnCity("Qingdao", "青岛", "370212", "2660"), CnCity("Heze", "菏泽", "371702", "2740")),
    "44": (CnCity("Shenzhen", "深圳", "440305", "5180"), CnCity("Dongguan", "东莞", "441900", "5230"),
           CnCity("Guangzhou", "广州", "440106", "5106"), CnCity("Foshan", "佛山", "440606", "5283"),
           CnCity("Shantou", "汕头", "440515", "5158"), CnCity("Zhongshan", "中山", "442000", "5284")),
    "50": (CnCity("Chongqing", "重庆", "500106", "4000"),),
    "62": (CnCity("Jiuquan", "酒泉", "620902", "7350"),),
    "65": (CnCity("Changji", "昌吉", "652301", "8311"), CnCity("Urumqi", "乌鲁木齐", "650102", "8300"),
           CnCity("Korla", "库尔勒", "652801", "8410")),
}  # fmt: skip

CN_FIRM_WORDS: tuple[tuple[str, str], ...] = (
    ("Hongda", "宏达"), ("Xinhua", "新华"), ("Jinyuan", "金源"), ("Huamei", "华美"),
    ("Tianyi", "天一"), ("Ruifeng", "瑞丰"), ("Shengtai", "盛泰"), ("Mingyang", "明扬"),
    ("Yongxin", "永信"), ("Hengtong", "恒通"), ("Jiahe", "嘉禾"), ("Fuxing", "福星"),
    ("Longsheng", "隆盛"), ("Baoli", "宝利"), ("Dingxin", "鼎鑫"), ("Haoyu", "浩宇"),
    ("Changcheng", "长城"), ("Zhongxing", "中兴"), ("Kaiyuan", "开元"), ("Lianfeng", "联丰"),
    ("Weiye", "伟业"), ("Xiangyun", "祥云"), ("Huaxin", "华鑫"), ("Yihe", "怡和"),
)  # fmt: skip

# Resident ID region codes (GB/T 2260 counties) per province, with the birth years for which
# python-stdnum's historical table accepts the code (GB 11643 numbers carry the code in force).
# (county code, county name, first birth year, last birth year)
CN_ID_COUNTIES: dict[str, tuple[tuple[str, str, int, int], ...]] = {
    "11": (("110101", "东城区", 1970, 2004), ("110105", "朝阳区", 1970, 2004), ("110108", "海淀区", 1970, 2004)),
    "12": (("120101", "和平区", 1970, 2004), ("120104", "南开区", 1970, 2004)),
    "13": (("130102", "长安区", 1983, 2004), ("130104", "桥西区", 1983, 2004)),
    "14": (("140121", "清徐县", 1970, 2004), ("140122", "阳曲县", 1970, 2004)),
    "15": (("150121", "土默特左旗", 1970, 2004), ("150102", "新城区", 1983, 2004)),
    "21": (("210102", "和平区", 1983, 2004), ("210103", "沈河区", 1983, 2004)),
    "22": (("220102", "南关区", 1983, 2004), ("220104", "朝阳区", 1983, 2004)),
    "23": (("230102", "道里区", 1983, 2004), ("230103", "南岗区", 1983, 2004)),
    "31": (("310101", "黄浦区", 1970, 2004), ("310104", "徐汇区", 1970, 2004), ("310105", "长宁区", 1970, 2004)),
    "32": (("320102", "玄武区", 1983, 2004), ("320104", "秦淮区", 1983, 2004)),
    "33": (("330102", "上城区", 1983, 2004), ("330122", "桐庐县", 1970, 2004)),
    "34": (("340102", "瑶海区", 1983, 2004), ("340103", "庐阳区", 1983, 2004)),
    "35": (("350102", "鼓楼区", 1983, 2004), ("350103", "台江区", 1983, 2004)),
    "36": (("360102", "东湖区", 1983, 2004), ("360121", "南昌县", 1970, 2004)),
    "37": (("370102", "历下区", 1983, 2004), ("370103", "市中区", 1983, 2004)),
    "41": (("410102", "中原区", 1983, 2004), ("410103", "二七区", 1983, 2004)),
    "42": (("420102", "江岸区", 1983, 2004), ("420103", "江汉区", 1983, 2004)),
    "43": (("430102", "芙蓉区", 1983, 2004), ("430121", "长沙县", 1970, 2004)),
    "44": (("440103", "荔湾区", 1983, 2004), ("440104", "越秀区", 1983, 2004)),
    "45": (("450102", "兴宁区", 1983, 2004), ("450103", "青秀区", 1983, 2004)),
    "46": (("460025", "定安县", 1988, 2002), ("460027", "澄迈县", 1988, 2002)),
    "50": (("500103", "渝中区", 1997, 2004), ("500106", "沙坪坝区", 1997, 2004)),
    "51": (("510121", "金堂县", 1970, 2004), ("510112", "龙泉驿区", 1983, 2004)),
    "52": (("520102", "南明区", 1983, 2004), ("520103", "云岩区", 1983, 2004)),
    "53": (("530124", "富民县", 1970, 2004),),
    "54": (("540121", "林周县", 1970, 2004), ("540122", "当雄县", 1970, 2004)),
    "61": (("610102", "新城区", 1983, 2004), ("610103", "碑林区", 1983, 2004)),
    "62": (("620121", "永登县", 1970, 2004), ("620123", "榆中县", 1970, 2004)),
    "63": (("630102", "城东区", 1983, 2004), ("630103", "城中区", 1983, 2004)),
    "64": (("640121", "永宁县", 1970, 2004), ("640122", "贺兰县", 1970, 2004)),
    "65": (("650102", "天山区", 1983, 2004), ("650103", "沙依巴克区", 1983, 2004)),
}  # fmt: skip

# Share of cross-border buyers by province (rough: population × online-import spending).
CN_CONSUMER_WEIGHTS: dict[str, int] = {
    "11": 8, "12": 3, "13": 4, "14": 2, "15": 1, "21": 3, "22": 1, "23": 2, "31": 9, "32": 9,
    "33": 9, "34": 3, "35": 4, "36": 2, "37": 6, "41": 4, "42": 4, "43": 3, "44": 14, "45": 2,
    "46": 1, "50": 3, "51": 5, "52": 1, "53": 2, "54": 1, "61": 2, "62": 1, "63": 1, "64": 1,
    "65": 1,
}  # fmt: skip

CN_SURNAMES: tuple[str, ...] = tuple(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
)
CN_GIVEN_CHARS: tuple[str, ...] = tuple(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉晨宇欣怡子涵浩然梓轩雨"
)
