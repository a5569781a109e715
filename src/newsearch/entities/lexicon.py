"""Word lists for people and organisations: surnames and given-name syllables, titles and roles, the
organisation suffixes and the few organisations news names most, acronyms that are not organisations,
and the nouns that only stand for an organisation (정부, 검찰) without naming one.

Rules in `mentions.py` decide; these lists are what they look words up in (all frozensets or tuples).
"""

from __future__ import annotations

from importlib import resources


def _words(text: str) -> frozenset[str]:
    """The space-separated words of `text` as a frozenset."""
    return frozenset(text.split())


SURNAMES = _words("""
김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 전 홍 유 고 문 양 손 배 백 허 남 심 노 하 곽 성 차 주 우
구 민 류 나 진 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육
인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 부 가 복 태 목 형 계 피 두 감 음 빈 동 온 호 범 좌 팽 승 간 상 시
갈 단 견 당 화 창 옹 순 빙 종 학 대 명 곡 판 야 뢰 애 수 묵 돈 근 하 라 로 리 노
""")
DOUBLE_SURNAMES = _words("남궁 황보 제갈 선우 독고 사공 서문 동방 어금 망절")
# The surnames of most Koreans: a name with one of them is not taken for an organisation (`박원순 김명환`).
COMMON_SURNAMES = _words("김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 남 심 노")
# How company names begin that a name could begin with (`현대중`, `한국은행`): such a word is no name.
ORG_STEMS = _words("현대 삼성 롯데 한화 대우 한진 두산 금호 효성 동부 국민 한국 대한 신한 농협 우리은행")

# Syllables Korean given names are made of; a transliterated foreign name (오바마, 메리츠) mostly is not. The last
# line holds those of native-Korean given names (`새롬`, `한별`, `봄`, `빛나`, `다솜`, `누리`).
GIVEN_SYLLABLES = frozenset("".join("""
가각간갑강개건걸검겸경계고곤공관광교구국군권귀규균극근금기길나낙난남내녀년녕노눌늘다단담당대덕도돈동두
득래량려련렬령례로록뢰룡루류륜률리린림만명모목몽무문미민박반방배백범병보복봉부분빈사산삼상새서석선설섭성세소
손솔송수숙순술숭슬승시식신실심아안애야양언엄여연열염엽영예오옥온완왕요용우욱운웅원월위유윤율은을음응의이익
인일임자작장재전절정제조종주준중지직진결력칠팔돌찬창채천철청초촌추축춘충치태택판평표필하학한함해행향허헌혁현협형혜호홍화
환황회효후훈휘희흥흠힘
라람롬름별봄빛솜누든
""".split()))

# A title or role right after a name makes it a person (`황창규 KT 회장`, `윤선훈 연구원`, `김철수씨`); Japan's
# ministers are written `…상` (`기시다 후미오 외무상`).
PERSON_TITLES = _words("""
소방사 소방교 소방장 소방위 소방경 소방령 소방정 소방준감 소방감 소방정감 소방총감 경무관 치안감 치안정감 치안총감
준위 준장 원수 CEO CFO COO CTO CIO 최고경영자 책임자 영부인 최고재무책임자 최고운영책임자 최고기술책임자 최고전략책임자
최고마케팅책임자 최고정보책임자 구조대장 구조대원 대원 소방관 경찰관 비서 투수 타자 포수 내야수 외야수
골키퍼 공격수 수비수 미드필더 기수 회장 부회장 명예회장 대표 대표이사 공동대표 사장 부사장 장관 차관 의원
국회의원 대통령 부통령 총리 부총리 교수 부교수
조교수 명예교수 석좌교수 연구원 책임연구원 선임연구원 수석연구원 연구위원 선임연구위원 위원장 부위원장 위원 청장
차장 시장 부시장 지사 도지사 주지사 구청장 군수 판사 부장판사 검사 부장검사 검사장 검찰총장 변호사 씨 군 양 감독
선수 코치 대변인 이사장 원장 부원장 소장 박사 본부장 팀장 국장 실장 과장 부장 센터장 원내대표 최고위원 비서실장
수석 대사 총장 부총장 총재 부총재 의장 부의장 후보 후보자 예비후보 주임 주석 국왕 여왕 왕자 공주 교황 추기경 신부
목사 스님 작가 배우 가수 전무 상무 이사 고문 회계사 의사 간호사 앵커 대령 중령 소령 장군 대장 중장 병장 상병 일병
이병 하사 중사 상사 원사 경위 경감 경정 총경 경사 순경 서장 지청장 재판장 대법관 대법원장 헌법재판관 재판관
애널리스트 전문위원 사무총장 사무처장 처장 단장 부단장 학장 교장 교사 여사 선생 총영사 영사 참사관 특사 총독
수상 당수 주지사 상원의원 하원의원 장관급 사령관 참모총장 합참의장 원내수석부대표 정책위의장 대표팀 감독관
회장직무대행 직무대행 권한대행 창업자 창업주 설립자 발행인 편집장 의원실 법무관 상임위원 운영위원장 조합장
지부장 노조위원장 공동위원장 연구교수 겸임교수 초빙교수 임상강사 전임의 전공의 교육감 군수 이장 통장 주무관 사무관
서기관 경제학자 평론가 칼럼니스트 아나운서 프로듀서 개그맨 방송인 소설가 시인 화가 선교사 전도사 장로
외무상 방위상 재무상 총무상 법무상 경제산업상 후생노동상 문부과학상 국토교통상 농림수산상 환경상 부흥상 관방장관
비서관 행정관 선임행정관 보좌관 부대변인 특보 차관보 부장관 국무장관 사무차장 원내총무 총비서 공보관 수행비서
정무수석 민정수석 경제수석 홍보수석 사회수석 외교안보수석 국민소통수석 시민사회수석
활동가 운동가 이코노미스트 사무국장 상임대표 지검장 주필 논설위원 해설위원 주교 변리사 한의사 수의사 국무총리 총통
왕세자 조사관 수사관 통역사 코미디언 유튜버 사제
""")
# Titles that are also common nouns (시장 market, 검사 test, 군 army, 양 amount): they make a person only
# right after the name (`손흥민 선수`, modifiers aside), never as the head of a compound (`전수검사`).
WEAK_TITLES = _words("""
시장 지사 검사 이사 대장 소장 상사 원사 중사 하사 양 군 수석 고문 위원 의사 주임 대사 영사 수상 선생 이장 통장 경사 교사
작가 배우 가수 선수 코치 왕자 공주 신부 장군 대원 주석 비서 타자 기수 소방관 경찰관 구조대원 사제
""")
# Weak titles that still head a compound title (`국가주석`, `국가대표선수`, `상임위원`, `주미대사`).
COMPOUND_HEADS = _words("주석 선수 위원 대사 시장 지사")
# After an organisation name these roles still take a person's name, but alone after a one-word proper
# noun they mean the organisation's head or spokesman (`구글 대변인`): the noun is then an organisation.
ORG_HEAD_TITLES = _words("""
회장 부회장 대표 대표이사 사장 부사장 대변인 이사장 원장 소장 본부장 팀장 국장 실장 센터장 총장 총재 의장 단장
""")
# Words after a title that keep the phrase about the same person (`김철수 교수 연구팀은`).
TITLE_FOLLOWERS = _words("팀 연구팀 연구진 측 일행 부부 내외 가족 캠프 사무실 의원실 등")
# Before a title, between the name and it (`강신옥 전 국회의원`, `오바마 제44대 대통령`).
MODIFIERS = _words("전 현 前 現 故 고 신임 초대 당시 공동 수석 차기 명예 상임 임시 新 선임 현직 전직")
# Nouns that point at an organisation named just before them (`KT 측은`, `카카오 관계자는`).
ORG_POINTERS = _words("""
측 관계자 관계자들 대변인 임직원 직원 직원들 노조 노동조합 이사회 주가 주식 주주 계열사 자회사 본사 사옥 홍보팀
""")
# Pronouns that stand for the last person speaking (`그는 "..."라고 말했다`).
PRONOUNS = _words("그 그녀 그들")

# Endings that make an organisation of a word with a proper or Latin part (`카카오헬스케어`, `분당서울대병원`).
ORG_SUFFIXES = (
    "그룹", "전자", "은행", "병원", "의료원", "대학교", "대학원", "대학", "위원회", "공사", "공단", "재단", "협회", "연구원",
    "연구소", "증권", "보험", "생명", "화재", "카드", "캐피탈", "홀딩스", "엔터테인먼트", "헬스케어", "법원", "지법", "지검",
    "고법", "고검", "지원", "검찰청", "경찰청", "경찰서", "소방서", "교육청", "구청", "시청", "군청", "도청", "통신", "텔레콤",
    "자동차", "건설", "화학", "제약", "바이오", "중공업", "물산", "백화점", "항공", "해운", "조선", "철강", "제철", "에너지",
    "전력", "반도체", "디스플레이", "소프트", "게임즈", "스튜디오", "미디어", "일보", "신문", "방송", "뉴스", "통신사",
    "고등학교", "중학교", "초등학교", "학회", "연합회", "연맹", "조합", "노조", "센터", "기구", "재단법인", "투자", "운용",
    "자산운용", "파트너스", "벤처스", "인베스트먼트", "코리아", "테크", "커머스", "모빌리티", "뱅크", "솔루션",
    "네트웍스", "정보통신", "컴퍼니", "제과", "식품", "유업", "맥주", "주류", "상사", "산업", "기획", "엔진", "랩", "랩스", "클리닉",
    "의원", "연구회", "포럼", "협의회", "본부", "진흥원", "박물관", "미술관", "거래소", "기금", "청", "처", "당", "부", "대",
    "캐피털", "얼라이언스", "컨소시엄", "상담소", "대책위", "추진위", "공대위", "홈쇼핑", "상공회의소", "문화원", "교육원",
    "과학원", "학술원",
)
# Endings that name an institution even when Kiwi read every part as a common noun (`국어학회`).
COMMON_STEM_ORG_SUFFIXES = ("학회", "협회", "위원회", "재단", "진흥원", "연구원", "연구소", "연구단", "공단", "협의회", "연합회",
                            "연맹", "대학교", "박물관", "미술관", "기금", "본부", "상담소", "대책위", "추진위", "공대위")
# One-syllable endings above; they need a proper-noun stem of two syllables or more (정의당, 연세대, 국세청).
SHORT_ORG_SUFFIXES = frozenset(s for s in ORG_SUFFIXES if len(s) == 1)
# Common nouns that end like organisations but are not one (일부, 본부, 회사, 의사, 학회장 ...).
NOT_ORG_WORDS = _words("""
정부 당국 업계 검찰 경찰 국회 법원 병원 대학 학교 회사 은행 정당 여당 야당 당 본부 내부 외부 일부 전부 간부 부부
회사 기사 검사 의사 변호사 판사 교사 사회 국회 의회 위원회 협회 재단 센터 연구소 연구원 증권 보험 정보통신 단체
무소속 벤처캐피털 벤처캐피탈 아이돌그룹 걸그룹 보이그룹 록그룹 밴드 학계 재계 정계 법조계 시민단체 이커머스 e커머스 소셜커머스 푸드테크 에듀테크 핀테크 프롭테크 헬스테크 애그테크 리테일테크 노조 전자 통신 방송 신문 지원 공사 공단 조합 그룹 연맹 학회 기구 포럼 협의회 국
""")


def _listed_file(name: str) -> frozenset[str]:
    """The names of a word list in newsearch/data (one per line; `#` starts a comment)."""
    text = resources.files("newsearch").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


# Organisations news names most, when no rule can see them (Kiwi often tags ministries NNG).
KNOWN_ORGS = _words("""
삼성 삼성전자 삼성SDI 삼성바이오로직스 삼성물산 삼성생명 삼성화재 삼성디스플레이 삼성SDS 현대차 현대자동차 기아 기아차
현대모비스 현대건설 현대중공업 현대제철 HD현대 LG LG전자 LG화학 LG에너지솔루션 LG디스플레이 LG유플러스 SK SK텔레콤
SK하이닉스 SK이노베이션 SKT KT 포스코 롯데 롯데쇼핑 한화 GS GS칼텍스 CJ CJ제일제당 CJ대한통운 신세계 이마트 네이버
카카오 카카오뱅크 카카오페이 카카오모빌리티 카카오엔터테인먼트 카카오헬스케어 쿠팡 배달의민족 우아한형제들 토스
비바리퍼블리카 당근마켓 넥슨 엔씨소프트 넷마블 크래프톤 셀트리온 하이브 대한항공 아시아나항공 한국전력 한전 코레일
한국철도공사 KB국민은행 국민은행 신한은행 우리은행 하나은행 농협 NH농협 기업은행 산업은행 한국은행 애플 구글
마이크로소프트 아마존 메타 페이스북 테슬라 엔비디아 인텔 퀄컴 오픈AI 트위터 넷플릭스 소니 도요타 화웨이 알리바바
텐센트 바이두 TSMC IBM 우버 에어비앤비 월마트 보잉 에어버스 스타벅스 맥도날드 폭스바겐 BMW 벤츠 샤오미 오라클
스페이스X 유튜브 틱톡 바이트댄스 인스타그램 청와대 대통령실 국무조정실 기획재정부 기재부 교육부 교육과학기술부 교과부
과학기술정보통신부 과기정통부 미래창조과학부 미래부 외교부 외교통상부 통일부 법무부 국방부 행정안전부 행안부 행정자치부
문화체육관광부 문체부 농림축산식품부 농식품부 산업통상자원부 산업부 지식경제부 보건복지부 복지부 환경부 고용노동부
노동부 여성가족부 여가부 국토교통부 국토부 국토해양부 해양수산부 해수부 중소벤처기업부 중기부 국가보훈부 국가보훈처
보훈처 인사혁신처 법제처 식품의약품안전처 식약처 국세청 관세청 조달청 통계청 대검찰청 대검 경찰청 소방청 기상청 산림청
특허청 문화재청 병무청 방위사업청 질병관리청 질병관리본부 해양경찰청 해경 감사원 국가정보원 국정원 금융위원회 금융위
금융감독원 금감원 공정거래위원회 공정위 방송통신위원회 방통위 국민권익위원회 권익위 국가인권위원회 인권위
중앙선거관리위원회 선관위 원자력안전위원회 개인정보보호위원회 대법원 헌법재판소 헌재 더불어민주당 민주당 국민의힘
정의당 국민의당 한나라당 새누리당 자유한국당 미래통합당 바른미래당 열린우리당 새정치민주연합 통합진보당 민주노동당
개혁신당 조국혁신당 진보당 기본소득당 공화당 자민당 노동당 공산당 유엔 UN 국제연합 세계보건기구 WHO 국제통화기금 IMF
세계은행 경제협력개발기구 OECD 유럽연합 EU 북대서양조약기구 나토 NATO 세계무역기구 WTO 국제원자력기구 IAEA
국제올림픽위원회 IOC FIFA 국제축구연맹 아세안 ASEAN 유네스코 유니세프 국제앰네스티 국경없는의사회 그린피스 적십자
합동참모본부 합참 항공우주국 과학기술처 과학기술부 정보통신부 재정경제부 건설교통부 육군 해군 공군 해병대 채널A 백악관 국무부 펜타곤 CIA FBI NASA 미국항공우주국 크렘린 연준 연방준비제도 연합뉴스 KBS MBC SBS JTBC YTN EBS CNN BBC
AFP 로이터 블룸버그 뉴욕타임스 NYT 월스트리트저널 WSJ 워싱턴포스트 파이낸셜타임스 조선일보 중앙일보 동아일보 한겨레
경향신문 한국일보 매일경제 한국경제 교도통신 신화통신 NHK 서울대 서울대학교 연세대 고려대 KAIST 카이스트 포스텍
POSTECH UNIST GIST DGIST 전경련 대한상의 대한상공회의소 경총 민주노총 한국노총 전교조 참여연대 경실련 대한의사협회
의협 한국거래소 위키미디어재단 탈레반 하마스 헤즈볼라 IS 알카에다 KBO MLB NBA NFL 조선노동당
""") | _listed_file("known_orgs.txt")

# Services people post on or watch, named by the company that runs them: the company only where the text makes it
# one (`트위터는 … 발표했다`, `페이스북 측`), not where it is used (`트위터에 글을 올렸다`, `유튜브 크리에이터`).
PLATFORMS = _words("""
트위터 페이스북 유튜브 인스타그램 틱톡 카카오톡 텔레그램 위챗 웨이보 스냅챗 링크드인 넷플릭스 네이버쇼핑 밴드 스레드
""")

# Upper-case abbreviations that name things, not organisations (`AI`, `5G`, `CEO`).
NOT_ORG_ACRONYMS = _words("""
AI IT ICT CEO CFO COO CTO CIO CSO CMO GDP GNP GNI TV PC SNS DNA RNA IoT VR AR XR MR LTE MRI CT PCR USB GPS OS API PD
CCTV ATM LED OLED LCD EV SUV ESG IPO R&D ETF CPI PPI FTA MOU VIP NFT DX UAM SW HW QR ID PIN SMS MMS HTML URL PDF CD
DVD OTT VOD MZ KST UTC PM AM MC DJ OST MVP COVID SARS MERS HIV AIDS ADHD PTSD BMI IQ SAT TOEIC GPA PHD MBA NGO NPO
ICBM SLBM THAAD TNT DMZ NLL GP KTX SRT VAR FW MF DF GK ERA KO TKO CES MWC IFA SF CG UFO NASDAQ KOSPI SOS TF HR PR IR
BTS VS OK NO YES GB TB MB KB KM CM MM KG MG KW MW GW KWH CO PM2 BC AD HD UHD FHD ML DL NLP LLM GPT CPU GPU NPU AP HBM
DRAM SSD HDD SOC ARM RAM ROM PIN OTP IP LAN WAN WIFI NFC RFID ARS CRM ERP SCM MES SI SM ASMR
UAE USA UK PASS POP HMR EDLP RSA PRISM VM FPGA ASIC
""")


# People news names bare (`김정은은 …`, `트럼프가 …`): heads of state, party leaders, heads of the largest companies.
PUBLIC_FIGURES = _listed_file("public_figures.txt")
# The first words of foreign names written in Hangul: Western given names, Japanese family names.
FOREIGN_NAME_STARTS = _listed_file("foreign_name_starts.txt")
