"""The demo data set: accounts per role and a roster shaped like Zhejiang's 2023 figures.

Everything here is demonstration data, marked as such on every page; it is not an official
roster. The roster reproduces the province's reported 2023 totals: 97 provincial and 49 national
zones among the 101 cities and counties (coverage 96.0 % and 48.5 %).
"""

DEMO_PASSWORD = "ecozone-demo"  # noqa: S105 - the documented password of local demo accounts

# username, role, organisation name (as created by the accounts migrations), display name
ACCOUNTS = [
    ("province", "province_admin", "浙江省生态文明建设示范创建工作办公室", "省创建办 管理员"),
    ("dept", "department", "浙江省生态环境厅", "省生态环境厅 数据员"),
    ("expert", "expert", "浙江省自然资源厅", "王评审（专家）"),
    ("huzhou", "city", "湖州市（330500）", "湖州市 填报员"),
    ("anji", "county", "安吉县（330523）", "安吉县 填报员"),
]

# Cities and counties that did not hold the provincial title by the end of 2023 (demo choice).
NOT_PROVINCIAL = ["330105", "330205", "330303", "331004"]

# The 49 national zones of the demo roster: 6 cities and 43 counties.
NATIONAL = [
    "330500",
    "331100",
    "330800",
    "330900",
    "330100",
    "330200",
    "330502",
    "330503",
    "330521",
    "330522",
    "330523",
    "331102",
    "331121",
    "331122",
    "331123",
    "331124",
    "331125",
    "331126",
    "331127",
    "331181",
    "330802",
    "330803",
    "330822",
    "330824",
    "330825",
    "330881",
    "330106",
    "330111",
    "330112",
    "330122",
    "330127",
    "330182",
    "330206",
    "330213",
    "330225",
    "330226",
    "330281",
    "330305",
    "330328",
    "330329",
    "330421",
    "330624",
    "330681",
    "330683",
    "330723",
    "330726",
    "330727",
    "330922",
    "331024",
]

LIANSHAN = ["330523", "330127", "331100", "330824", "330922"]

FIRST_YEAR = 2017
BATCHES = 7  # 2017 … 2023
