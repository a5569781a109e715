"""Rules of `newsearch.entities` on news sentences written for these tests: people before titles,
organisations, places, quotations and their speakers, the reporter left out, and the JSON round trip."""

from __future__ import annotations

import pytest

from newsearch.entities import Entities, Quote, extract


@pytest.fixture(scope="module")
def kiwi():
    """One Kiwi for the module (it takes a second or more to load)."""
    from newsearch.analysis import Analyzer

    return Analyzer.for_words().kiwi


@pytest.fixture(scope="module")
def run(kiwi):
    """extract() on a body (and optionally a title) tokenized the way the engine does it."""
    from newsearch.analysis.analyzer import MATCH

    def run(body: str, title: str = "", reporter: str | None = None) -> Entities:
        title_tokens = kiwi.tokenize(title, match_options=MATCH) if title else None
        return extract(title, title_tokens, body, kiwi.tokenize(body, match_options=MATCH), reporter)

    return run


def test_name_organisation_title_and_its_quotation(run):
    body = '황창규 KT 회장은 "5G로 세상을 바꾸겠다"고 말했다.'
    got = run(body)
    assert got.people == ("황창규",)
    assert got.orgs == ("KT",)
    assert got.quotes == (Quote("5G로 세상을 바꾸겠다", "황창규", body.index("5G"), body.index('"고')),)


def test_quotation_before_its_speaker_and_the_next_sentence_without_a_subject(run):
    body = ("“내년까지 신규 노선을 열겠다”고 박지훈 대한항공 사장은 밝혔다. "
            "“고객 불편을 줄이는 것이 먼저”라고 덧붙였다.")
    got = run(body)
    assert got.people == ("박지훈",)
    assert "대한항공" in got.orgs
    assert [(q.text, q.speaker) for q in got.quotes] == [
        ("내년까지 신규 노선을 열겠다", "박지훈"), ("고객 불편을 줄이는 것이 먼저", "박지훈")]


def test_pronoun_and_surname_with_title_speak_for_the_person_named_before(run):
    body = ("최도윤 산업통상자원부 장관이 12일 기자간담회를 열었다. 최 장관은 “수출 회복세가 뚜렷하다”고 강조했다. "
            "그는 “하반기에도 지원을 늘리겠다”고 말했다.")
    got = run(body)
    assert got.people == ("최도윤",)
    assert got.orgs == ("산업통상자원부",)
    assert [q.speaker for q in got.quotes] == ["최도윤", "최도윤"]


def test_organisation_pointer_speaks_for_the_organisation(run):
    body = '카카오헬스케어 관계자는 "올해 안에 서비스를 시작한다"고 전했다.'
    got = run(body)
    assert got.orgs == ("카카오헬스케어",)
    assert got.quotes[0].speaker == "카카오헬스케어"


def test_foreign_names_spaced_and_their_short_form(run):
    body = ("버락 오바마 미국 대통령이 19일 백악관에서 연설했다. 오바마 대통령은 “변화는 이미 시작됐다”고 말했다. "
            "앙겔라 메르켈 독일 총리도 회의에 참석했다.")
    got = run(body)
    assert got.people == ("버락 오바마", "앙겔라 메르켈")
    assert "미국" in got.places and "독일" in got.places
    assert "백악관" not in got.orgs  # only the site of the speech (LABELLING: 청와대 as a site is no organisation)
    assert got.quotes[0].speaker == "버락 오바마"


def test_country_before_a_title_is_no_person(run):
    got = run("미국 대통령과 일본 총리가 다음 달 만난다.")
    assert got.people == ()
    assert got.places == ("미국", "일본")


def test_reporter_and_bylines_are_not_people_of_the_story(run):
    body = ("(서울=연합뉴스) 김도윤 기자 = 정하늘 서울대 교수 연구팀은 새 전지를 개발했다고 5일 밝혔다.\n"
            "이수진 기자 sujin@example.com")
    got = run(body, reporter="김도윤 기자")
    assert got.people == ("정하늘",)
    assert "서울대" in got.orgs
    assert "연합뉴스" not in got.orgs and "서울" not in got.places


def test_reporter_name_elsewhere_in_the_text_is_left_out(run):
    got = run("한지원 씨는 이날 현장을 찾았다. 한지원 기자 hanji@example.com", reporter="한지원")
    assert got.people == ()


def test_term_in_single_quotes_is_no_quotation(run):
    got = run("쿠팡은 ‘로켓배송’ 지역을 넓힌다고 밝혔다. 업계에서는 이를 '새벽 전쟁'이라고 부른다.")
    assert got.quotes == ()
    assert got.orgs == ("쿠팡",)


def test_said_words_in_single_quotes_are_a_quotation(run):
    got = run("윤서연 연구원은 ‘결과가 예상보다 좋았다’고 설명했다.")
    assert [(q.text, q.speaker) for q in got.quotes] == [("결과가 예상보다 좋았다", "윤서연")]


def test_short_term_in_double_quotes_is_no_quotation(run):
    got = run('정부는 이번 대책을 "K-방역"의 다음 단계로 소개했다.')
    assert got.quotes == ()


def test_places_provinces_districts_and_regions(run):
    got = run("경기 하남시 감일동과 부산 해운대구, 서울시 일대에 폭우가 내렸다. 수도권과 동남아에도 영향이 있었다.")
    assert got.places == ("경기", "하남시", "감일동", "부산", "해운대구", "서울시", "수도권", "동남아")


def test_bare_district_names_are_places_but_not_inside_a_word(run):
    assert run("경북 영주 출신인 그는 귀향했다.").places == ("경북", "영주")
    assert run("하남 지역 상권이 살아났다.").places == ("하남",)  # Kiwi's proper noun, a district's name
    assert run("용산역 광장에서 만났다.").places == ()  # a station, not the district


def test_place_inside_an_organisation_name_is_no_place(run):
    got = run("분당서울대병원과 부산대학교가 공동 연구를 시작했다.")
    assert got.orgs == ("분당서울대병원", "부산대학교")
    assert got.places == ()


def test_ministries_parties_and_latin_companies(run):
    got = run("국토교통부와 더불어민주당, LG유플러스, SK텔레콤이 협약을 맺었다. 정부와 검찰은 말을 아꼈다.")
    assert got.orgs == ("국토교통부", "더불어민주당", "LG유플러스", "SK텔레콤")


def test_person_with_an_age_and_with_ssi(run):
    got = run("이 사고로 운전자 박철민(52)씨와 승객 김하은 양이 다쳤다. 김모씨는 무사했다.")
    assert got.people == ("박철민", "김하은")


def test_former_title_holder_and_organisation_before_the_name(run):
    got = run("강현우 전 국회의원이 별세했다. 한국은행 이창호 총재는 회의를 주재했다.")
    assert got.people == ("강현우", "이창호")
    assert got.orgs == ("한국은행",)


def test_title_news_come_first_and_add_names(run):
    got = run("회의는 오후에 끝났다.", title="송민재 대표, 네이버와 손잡아")
    assert got.people == ("송민재",)
    assert got.orgs == ("네이버",)


def test_no_title_tokens_adds_nothing_from_the_title(run):
    assert run("회의는 오후에 끝났다.").people == ()


def test_json_round_trip():
    value = Entities(("황창규",), ("KT",), ("서울",), (Quote("좋다", "황창규", 3, 5), Quote("네", None, 9, 10)))
    text = value.to_json()
    assert " " not in text and "황창규" in text
    assert Entities.from_json(text) == value
    assert Entities.from_json(None) == Entities() == Entities.from_json("")


def test_quote_offsets_point_into_the_body(run):
    body = '그는 "괜찮다"고 했다. 김태윤 감독은 “선수들이 잘 싸웠다. 다음 경기도 이기겠다”고 밝혔다.'
    got = run(body)
    assert got.quotes and all(body[q.start:q.end] == q.text for q in got.quotes)
    assert got.quotes[-1].speaker == "김태윤"


def test_quotation_before_an_organisation_pointer(run):
    got = run('"요금 인상은 없다"라고 KT 측은 전했다.')
    assert [(q.text, q.speaker) for q in got.quotes] == [("요금 인상은 없다", "KT")]


def test_bracketed_and_closing_bylines(run):
    got = run('[아이뉴스24 홍길동 기자] 박서준 네이버 대표는 "검색을 바꾸겠다"고 밝혔다. /홍길동 기자')
    assert got.people == ("박서준",)
    assert got.orgs == ("네이버",)
    assert got.quotes[0].speaker == "박서준"


def test_unnamed_subject_speaks_for_nobody_and_so_does_the_next_sentence(run):
    got = run('정부는 "올해 안에 결정하겠다"고 밝혔다. "시간이 필요하다"고 덧붙였다.')
    assert [q.speaker for q in got.quotes] == [None, None]


def test_name_kiwi_reads_as_a_common_noun_before_a_title(run):
    got = run("최도윤 산업통상자원부 장관이 회의를 열었다. 이사회 의장은 자리를 비웠다.")
    assert got.people == ("최도윤",)


def test_a_list_of_members_written_apart_and_a_name_kiwi_splits(run):
    got = run("이날 회의에는 김영록, 박준영, 이낙연, 강운태 등이 참석했다. 명단: 강석호 김광림 김명연 김상훈 박명재")
    assert {"김영록", "박준영", "이낙연", "강운태", "강석호", "김광림", "김명연", "김상훈", "박명재"} <= set(got.people)


def test_a_bare_name_is_a_person_when_its_surname_comes_back_with_a_title_or_hanja_is_aside(run):
    got = run("정민호는 이날 국회에서 연설했다. 정 위원장은 개혁을 강조했다.")
    assert got.people == ("정민호",)
    assert run("한도윤(韓道允)은 이날 귀국했다.").people == ("한도윤",)
    assert run("노량진에서 만났다.").people == ()  # a bare proper noun alone is no one


def test_titles_before_names_governments_local_offices_and_sovereigns(run):
    assert "이정희" in run("서울행정법원 행정8부(부장 이정희)는 이날 신청을 인용했다.").people
    assert "윤석열" in run("이날 대회는 윤석열 정부 출범 이래 첫 대규모 집회였다.").people
    assert "박원순" in run("박원순 서울시장 등 야권에서는 애도의 뜻을 표했다.").people
    assert "엘리자베스 2세" in run("결혼식이 끝난 후 엘리자베스 2세는 윌리엄에게 작위를 내렸다.").people
    assert "류샤오보" in run("중국의 대표적 민주주의 운동가인 류샤오보가 사망했다.").people
    assert "김영주" in run("김영주 국회 미래창조과학방송통신위원(국민의당)은 최근 국정감사에서 말했다.").people


def test_a_name_listed_before_a_titled_one_shares_the_title(run):
    got = run("박소정 이화여대 교수와 이대연·존 크로커 미국 펜실베이니아대 교수 연구진이 개발했다.")
    assert {"박소정", "이대연", "존 크로커"} <= set(got.people)


def test_organisations_introduced_in_quotation_marks_by_legal_form_and_by_a_deal(run):
    assert "네이처 나노테크놀로지" in run("연구 결과는 국제 학술지 ‘네이처 나노테크놀로지’에 실렸다.").orgs
    assert "네이처" not in run("연구 결과는 국제 학술지 ‘네이처 나노테크놀로지’에 실렸다.").orgs
    assert "리얼미터" in run('여론조사 전문 업체인 "리얼미터"가 조사한 결과다.').orgs
    assert "누리플러스" in run("봉제 인형 전문기업 ㈜누리플러스는 올해 매출이 늘었다.").orgs
    assert "핏빗" in run("구글은 2019년 스마트 웨어러블 기업 핏빗으로 데이터를 모은다.").orgs
    assert "듀크 대학" in run("미국 듀크 대학의 데이비드 스미스 교수가 밝혔다.").orgs
    assert run("기업 가치를 높였다.").orgs == ()


def test_a_platform_is_an_organisation_only_as_the_company(run):
    assert "트위터" not in run("문 대통령은 이날 트위터에 글을 올렸다.").orgs
    assert "트위터" in run("트위터는 이날 새 운영 정책을 발표했다.").orgs


def test_national_arms_and_places_in_asides_and_regions(run):
    got = run("리카이푸(李開復) 전 구글 차이나 사장의 글이 화제다.")
    assert got.people == ("리카이푸",) and got.orgs == ("구글 차이나",)
    assert {"경기", "구리시"} <= set(run("최명자 씨(60 경기 구리시)는 최근 가게를 열었다.").places)
    assert {"인천", "한강"} <= set(run("인천지역 버스가 한강을 건넜다.").places)


def test_speakers_named_beside_the_quotation(run):
    got = run('ㆍ쿠팡 “순직 소방관 자녀 위해 장학기금 만들겠다” 입장문\n본문이 이어진다.')
    assert [q.speaker for q in got.quotes] == ["쿠팡"]
    got = run("연구비가 부족하다는 지적이 나온다. “제대로 된 실험실도 없다”(유영민 KAIST 화학과 교수). 올해도 그랬다.")
    assert [q.speaker for q in got.quotes] == ["유영민"]
    got = run('여론이 움직였다. 리얼미터에서는 "새 총리 임명이 지지율을 끌어올렸다"고 분석했다.')
    assert [q.speaker for q in got.quotes] == ["리얼미터"] or got.quotes[0].speaker is None and "리얼미터" not in got.orgs


def test_a_lead_quotation_is_told_by_the_next_sentence_and_police_speak_for_the_station(run):
    got = run("“이제 라이벌은 쿠팡이란 말이 나온다”\n\n올해 창립 20주년을 맞은 네이버 관계자가 최근 한 말이다.")
    assert [q.speaker for q in got.quotes] == ["네이버"]
    got = run("서울 송파경찰서에 따르면 김씨는 전날 발견됐다. 경찰 관계자는 “타살 혐의점은 없다”고 밝혔다.")
    assert [q.speaker for q in got.quotes] == ["송파경찰서"]


def test_survey_answers_terms_and_titles_of_works_are_no_quotations(run):
    assert run("응답자의 79.4%가 ‘프랜차이즈 점포가 더 낫다’고 답변했다.").quotes == ()
    assert run("이런 효과를 흔히 과학용어로 ‘초소수성’이라고 한다.").quotes == ()
    assert run("교수에게 의뢰한 “경제성장이 소득분배구조 개선에 미치는 영향” 연구용역 보고서에 따르면 그렇다.").quotes == ()


def test_names_and_listed_titles_in_quotation_marks_are_no_quotations(run):
    assert run("구청장은 공원 이름을 \"시민의숲\"이라고 하는 것으로 바꾸자고 말했다.").quotes == ()
    assert run("외교부는 다음 달 열리는 \"한국 광복 80주년 기념 행사\"에 특사를 보낸다고 밝혔다.").quotes == ()
    assert run("그는 \"밤의 정원\", \"푸른 기억\", \"바다로 가는 길\" 등 영상을 만들었다.").quotes == ()
    said = run("김민수 교수는 \"연구는 이제 시작\"이라며 \"성과를 기다려 달라\"고 말했다.").quotes
    assert [q.text for q in said] == ["연구는 이제 시작", "성과를 기다려 달라"]


def test_a_title_before_a_name_that_ends_the_text(run):
    assert run("교수 김철").people == ()  # a two-syllable name needs its title after it; nothing follows
    assert run("최고의 배우 정우").people == ()



def test_foreign_names_by_their_first_word_and_places_of_japan_and_capitals(run):
    e = run("정의론을 쓴 마이클 샌델은 이렇게 썼다. 일본 작가 다나카 고이치가 상을 받았다.")
    assert e.people == ("마이클 샌델", "다나카 고이치")
    assert run("제임스 웹 우주망원경이 사진을 보냈다.").people == ()  # the name of a thing
    e = run("민변 이종훈 변호사는 \"소송을 냈다\"고 말했다.")
    assert e.people == ("이종훈",) and e.quotes[0].speaker == "이종훈"
    assert run("폭설은 니가타와 나가노, 아오모리를 덮쳤고 아디스아바바에서는 비가 왔다.").places == (
        "니가타", "나가노", "아오모리", "아디스아바바")


def test_journals_named_before_their_latin_name(run):
    assert "사이언스 시그널링" in run("연구 결과는 국제 학술지 사이언스 시그널링(Science Signaling)에 실렸다.").orgs


def test_a_headline_quotation_takes_the_speaker_of_the_body_quotation_it_shortens(run):
    body = ('전남대 박영호 교수팀 새 촉매 개발…"수소 생산 비용 절반으로". 국내 연구진이 새 촉매를 만들었다. '
            '박영호 교수는 "이 촉매로 수소 생산 비용을 절반으로 줄일 수 있을 것"이라고 말했다.')
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["박영호", "박영호"]
    got = run('부산대 연구팀 "바다 미생물이 플라스틱 분해". 바다 미생물 연구가 나왔다.')
    assert [q.speaker for q in got.quotes] == ["부산대"]


def test_speakers_go_on_past_a_line_break_and_a_subject_naming_no_one(run):
    body = ('통일부 관계자가 "충분히 협의한 결과"라고 대답하였다.\n'
            '향후 계획으로는 "오늘부터 열린 채널을 통해 협의해 나갈 것"이라고 밝혔다.')
    assert [q.speaker for q in run(body).quotes] == ["통일부", "통일부"]
    body = ('한국전력은 직원들에게 "요금은 곧 오를 것"이라고 말했다. '
            '"정부 정책은 바뀌지 않는다"며 "참여했던 분들만 손해를 본다"는 내용이 담긴 문자도 보냈다.')
    assert [q.speaker for q in run(body).quotes] == ["한국전력"] * 3


def test_a_name_with_also_before_a_quotation_and_a_university_speaking_as_itself(run):
    body = ('피터 리 마이크로소프트 부사장은 "AI는 도구"라고 말했다. '
            '존 스미스 마이크로소프트 부사장 역시 "인간이 필요하다"며 힘을 보탰다.')
    assert [q.speaker for q in run(body).quotes][-1] == "존 스미스"
    body = 'UNIST 연구진이 유전체를 해독했다. 대학 측은 "질병 연구에 도움이 될 것"이라고 밝혔다.'
    assert [q.speaker for q in run(body).quotes] == ["UNIST"]


def test_surname_read_as_a_determiner_before_a_title_names_the_person_of_that_surname(run):
    body = ("이수진 후보는 10일 출마를 선언했다. 그러나 이수진 후보는 박태호 후보를 지지하지는 않았다. "
            "이어서 이 후보는 “끝까지 완주하겠다”고 말했다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["이수진"]


def test_surname_and_title_after_a_date_speak_for_the_person(run):
    body = ("정민호 국가안보실 실장이 보고를 받았다. 이에 김태성 차장은 사실을 알렸다. "
            "28일 정 실장은 김태성 차장과 만나 “새로 들어온 장비가 있습니까?”라고 물었다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["정민호"]


def test_quotation_standing_alone_after_a_bullet_takes_the_next_subject(run):
    body = ("ㆍ“해외 입국자로부터 유입”\n\n수도권 집단감염의 바이러스는 모두 같은 유형인 것으로 나타났다.\n\n"
            "중앙방역대책본부(방대본)는 6일 확진자 300명의 바이러스를 분석한 결과를 발표했다.")
    got = run(body)
    assert [(q.text, q.speaker) for q in got.quotes] == [("해외 입국자로부터 유입", "중앙방역대책본부")]


def test_organisation_kiwi_reads_in_pieces_speaks_as_a_subject(run):
    body = "우아한형제들은 12일 새 서비스를 시작한다고 밝혔다. 우아한형제들은 “고객이 원하는 배달을 하겠다”고 말했다."
    got = run(body)
    assert "우아한형제들" in got.orgs
    assert [q.speaker for q in got.quotes] == ["우아한형제들"]


def test_person_opening_a_subject_with_an_unlisted_role_speaks_not_the_organisation(run):
    body = ("최우진 한국데이터산업진흥원 매니저는 “데이터 거래가 늘고 있다”고 설명했다. "
            "심재혁 한국천문연구원 우주탐사개발단장은 “달 탐사를 앞당기겠다”라고 말했다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["최우진", "심재혁"]


def test_names_listed_beside_a_known_company_are_organisations(run):
    got = run("네이버, 무신사, 컬리, 오늘의집 등 경쟁력을 갖춘 기업들이 투자를 늘렸다. "
              "공정위는 위메프(큐텐코리아), 쿠팡, 펫프렌즈에 과징금을 부과했다.")
    for name in ("무신사", "컬리", "위메프", "펫프렌즈"):
        assert name in got.orgs


def test_a_list_without_a_known_organisation_or_of_places_adds_none(run):
    got = run("서울, 부산, 대구와 광주에서 집회가 열렸다. 김민수, 박지영 씨가 참석했다.")
    assert got.orgs == ()
    assert set(got.places) >= {"서울", "부산", "대구", "광주"}


def test_a_company_facility_is_no_organisation_of_its_own(run):
    got = run("이마트물류센터 노동자들이 처우 개선을 요구했다. 네이버콜센터 상담원들도 나섰다. 쿠팡은 17일 입장을 밝혔다.")
    assert "이마트물류센터" not in got.orgs and "네이버콜센터" not in got.orgs
    assert "쿠팡" in got.orgs


def test_an_encyclopedia_is_a_website_not_an_organisation(run):
    got = run("교학사 교과서가 한국어 위키백과의 문장을 옮겨 적었다는 의혹이 제기됐다.")
    assert "위키백과" not in got.orgs


def test_japanese_ministers_and_a_family_name_read_like_a_korean_name(run):
    got = run("모테기 도시미쓰 외무상은 회담 뒤 기자들과 만났다. 기시다 후미오 총리와 하마다 야스카즈 방위상도 참석했다.")
    assert set(got.people) >= {"모테기 도시미쓰", "기시다 후미오", "하마다 야스카즈"}
    assert "기시다" not in got.people


def test_a_compound_of_a_weak_title_and_an_envoy_with_his_country_name_the_person(run):
    got = run("왕이 중국 외교담당 국무위원이 방한했다. 이날 김영호 캐나다 주재 대사도 귀국했다.")
    assert set(got.people) >= {"왕이", "김영호"}
    assert "캐나다" in got.places


def test_a_proper_noun_before_a_common_noun_ahead_of_the_name_is_no_organisation(run):
    got = run("메이지 신궁 참배 후 기시다 후미오 외무상은 기자회견을 열었다.")
    assert "기시다 후미오" in got.people
    assert "메이지" not in got.orgs


def test_a_calling_kiwi_reads_as_a_copula_and_foreign_names_ending_like_places(run):
    got = run("소유스 우주선에는 러시아 우주인 세르게이 프로코피예프, 일본 우주인 다카하시 겐타, "
              "우크라이나 우주인 안드레이 보리센코가 탔다.")
    assert set(got.people) >= {"세르게이 프로코피예프", "다카하시 겐타"}


def test_a_first_name_ending_in_ri_of_four_syllables_opens_a_foreign_name(run):
    got = run("러시아 물리학자 아나톨리 카르포프는 새 이론을 제시했다.")
    assert "아나톨리 카르포프" in got.people


def test_a_sentence_in_single_quotes_reported_as_a_claim_or_a_document_is_a_quotation(run):
    body = ("블랙박스 영상에 따르면 ‘신호를 보고 멈췄는데도 뒤차가 들이받았다’는 운전자의 주장과는 달랐다. "
            "설명서에는 ‘버튼을 누르면 덮개가 자동으로 열린다’고 돼 있다.")
    got = run(body)
    assert [q.text for q in got.quotes] == ["신호를 보고 멈췄는데도 뒤차가 들이받았다", "버튼을 누르면 덮개가 자동으로 열린다"]


def test_a_survey_option_counted_as_an_opinion_is_no_quotation(run):
    got = run("응답자 가운데 ‘배차 간격이 너무 길다’는 의견이 12.4%로 가장 많았다.")
    assert got.quotes == ()


def test_a_quotation_inside_a_second_pair_of_marks_is_read_without_them(run):
    body = '유서에는 "“우리 가족을 함께 바다에 보내 주세요”"라는 내용이 적혀 있었다.'
    got = run(body)
    assert [q.text for q in got.quotes] == ["우리 가족을 함께 바다에 보내 주세요"]


def test_a_news_agency_kiwi_reads_in_pieces_before_tongsin(run):
    got = run("이 소식은 아나돌루 통신과 베르나마 통신을 인용해 보도됐다.")
    assert "아나돌루 통신" in got.orgs and "베르나마 통신" in got.orgs


def test_research_centres_named_apart_and_journals_of_a_family_in_quotes(run):
    body = ("기초과학연구원(IBS) 나노구조물리 연구단이 새 소재를 만들었다. 이 결과는 ‘사이언스 어드밴시스’(Science "
            "Advances)에 실렸다. 국제 공동 연구단이 참여했다.")
    got = run(body)
    assert "나노구조물리 연구단" in got.orgs
    assert "사이언스 어드밴시스" in got.orgs
    assert "국제 공동 연구단" not in got.orgs and "공동 연구단" not in got.orgs


def test_aides_and_deputies_are_titles(run):
    got = run("김민재 청와대 선임행정관은 기자들과 만났다. 웬디 셔먼 국무부 부장관이 방한했다.")
    assert set(got.people) >= {"김민재", "웬디 셔먼"}
    assert "국무부" in got.orgs


def test_a_research_unit_named_alone_speaks_for_its_researchers(run):
    body = ("기초과학연구원(IBS)이 과학 사진 공모전 결과를 발표했다. 나노의학연구단이 촬영한 작품이 대상을 받았다. "
            "연구진은 “세포가 꽃처럼 피어나는 순간을 담았다”고 밝혔다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["나노의학연구단"]


def test_a_unit_named_after_its_institute_leaves_the_institute_speaking(run):
    body = ("KIST 뇌과학융합연구단 이민호 박사팀이 새 치료제를 개발했다. "
            "연구진은 “암 전이를 막는 효과를 확인했다”고 설명했다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["KIST"]


def test_a_request_put_to_a_spokesman_is_no_one_named(run):
    body = ('자오리젠 중국 외교부 대변인은 "일본 정부의 해명을 평가해 달라"는 요청에 "대꾸할 가치도 없다"고 말했다.')
    got = run(body)
    assert [(q.text, q.speaker) for q in got.quotes] == [
        ("일본 정부의 해명을 평가해 달라", None), ("대꾸할 가치도 없다", "자오리젠")]


def test_a_quotation_standing_alone_after_a_sentence_of_a_view_or_a_subject_with_do(run):
    body = ("조지 해리스 교수는 이런 장치가 경찰에게도 유용할 거라고 보고 있다. “사고를 미리 막을 수 있습니다.”\n"
            "인권연합 대표 김수정 씨도 법안 통과를 환영했다.\n“오랜 싸움이 끝났다.”")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["조지 해리스", "김수정"]


def test_a_company_research_unit_written_after_its_name_speaks_as_itself(run):
    body = "삼성전자 종합기술원 관계자는 “배터리 수명을 두 배로 늘렸다”고 설명했다. LG전자 소재연구소도 참여했다."
    got = run(body)
    assert "삼성전자 종합기술원" in got.orgs and "LG전자 소재연구소" in got.orgs
    assert [q.speaker for q in got.quotes] == ["삼성전자 종합기술원"]


def test_neighbourhoods_news_names_bare_are_places(run):
    got = run("주말 광화문과 여의도에서 집회가 열렸고, 이태원 일대는 한산했다. 여야 대치가 이어졌다.")
    assert set(got.places) >= {"광화문", "여의도", "이태원"}
    assert "대치" not in got.places


def test_people_joined_to_a_person_with_no_title_of_their_own(run):
    got = run("로버트 브라운과 마틴 코헨은 2001년 노벨상을 받았다. 김철수 교수와 이영희는 이날 만났다. "
              "힐러리 클린턴과 미국 정부, 오바마와 구글 딥마인드")
    assert set(got.people) >= {"로버트 브라운", "마틴 코헨", "김철수", "이영희"}
    assert "미국 정부" not in got.people and "구글 딥마인드" not in got.people


def test_a_royal_given_name_and_a_foreign_name_with_his_kin(run):
    got = run("영국 앤드루 왕자와 세라 퍼거슨의 결혼식에는 데이비드 베컴 부부도 참석했다.")
    assert set(got.people) >= {"앤드루", "데이비드 베컴"}


def test_ministries_by_their_fields_and_national_institutes(run):
    got = run("교육인적자원부와 독일 내무부가 협약을 맺었다. 국립국어원과 국립중앙의료원도 참여했다. "
              "당 지도부와 미군 사령부, 행정부, 서울대 생명과학부, 국립공원은 아니다.")
    assert set(got.orgs) >= {"교육인적자원부", "내무부", "국립국어원", "국립중앙의료원"}
    assert not {"지도부", "사령부", "행정부", "생명과학부", "국립공원"} & set(got.orgs)


def test_korean_won_written_as_hanhwa_before_an_amount_is_no_company(run):
    assert "한화" not in run("영국 정부는 국가 예산을 한화 240조원 이상 잃었다. 손실은 한화로 약 3조원이다.").orgs
    assert "한화" in run("한화는 10일 새 공장을 열었다. 투자액은 한화 기준 3조원이다.").orgs


def test_foreign_regions_named_with_their_unit_apart(run):
    got = run("오하이오 주 콜럼버스에서 열린 대회. 광둥 성 선전시, 네이멍구 자치구와 옌볜 조선족 자치주도 참가했다. 다음 주 월요일에 열린다.")
    assert set(got.places) >= {"광둥 성", "네이멍구 자치구", "옌볜 조선족 자치주"}
    assert "오하이오" in got.places or "오하이오 주" in got.places
    assert "다음 주" not in got.places


def test_native_korean_given_names(run):
    got = run("정다솜 교수와 이새롬 연구원, 박한별 대표가 참석했다.")
    assert set(got.people) >= {"정다솜", "이새롬", "박한별"}
    assert "박한별" not in got.orgs


def test_newspapers_named_in_quotation_marks(run):
    got = run("영국 일간지 '데일리 메일'은 5일 이렇게 보도했다. ‘뉴욕 타임스’ 지의 보도에 따르면 피해가 컸다.")
    assert "데일리 메일" in got.orgs and "뉴욕 타임스" in got.orgs


def test_a_country_national_team_is_an_organisation(run):
    got = run("일본 축구 국가대표팀이 이란 국가대표팀을 2대 1로 꺾었다.")
    assert "일본 축구 국가대표팀" in got.orgs and "이란 국가대표팀" in got.orgs


def test_an_organisation_body_as_a_topic_with_eseoneun_speaks(run):
    got = run("이날 정의당 지도부에서는 “재벌 개혁이 먼저”라고 밝혔다.")
    assert [q.speaker for q in got.quotes] == ["정의당"]


def test_a_proposal_in_single_quotes_reported_as_an_opinion(run):
    got = run("일각에서는 ‘주말 영업을 전면 금지하자’는 의견도 나오고 있다. ‘착한 소비자’는 늘었다.")
    assert [q.text for q in got.quotes] == ["주말 영업을 전면 금지하자"]


def test_words_said_to_be_someones_after_the_quotation(run):
    body = ("김철수 산업부 장관은 12일 기자회견을 열었다. “수출이 회복되고 있다.” 김 장관의 말이다. "
            "“가격이 더 오를 것”이라는 게 업계의 설명이다. "
            "“금리가 곧 내린다”는 게 박정민 한국은행 연구위원의 분석이다.")
    got = run(body)
    assert [q.speaker for q in got.quotes] == ["김철수", None, "박정민"]


def test_a_list_of_products_or_indices_beside_a_company_adds_no_organisation(run):
    got = run("애플, 아이폰, 갤럭시 등 스마트폰 판매가 늘었다. 코스피, 삼성전자 주가가 올랐다.")
    assert "아이폰" not in got.orgs and "갤럭시" not in got.orgs and "코스피" not in got.orgs


def test_a_local_office_named_after_its_city(run):
    got = run("부산 남부경찰서는 1일 수사에 착수했다. 대구 동부소방서에 신고가 들어왔다. 서울 보고서는 없다.")
    assert "남부경찰서" in got.orgs and "동부소방서" in got.orgs and "보고서" not in got.orgs


def test_companies_named_as_websites(run):
    got = run("인터파크닷컴과 한국 리서치 닷컴이 공동으로 조사했다.")
    assert "인터파크닷컴" in got.orgs and "리서치 닷컴" in got.orgs
    got = run("올해 우리는 닷컴 초창기의 온라인 쇼핑 성장에 버금가는 변화를 보게 될 것이다.")
    assert not [o for o in got.orgs if "닷컴" in o]


def test_a_clause_before_a_comma_is_not_a_list_item(run):
    got = run("선발로 올린 넥센이, SK의 최정과 김강민 등에게 연거푸 홈런을 맞았다.")
    assert "넥센이" not in got.orgs


def test_a_country_mission_is_an_organisation(run):
    got = run("주중대사관은 교민들에게 주의를 당부했다. 대사관 직원들은 퇴근했다.")
    assert "주중대사관" in got.orgs and "대사관" not in got.orgs


def test_a_committee_named_apart_from_its_field(run):
    got = run("인사청문 위원회가 열렸다. 관련 위원회와 대통령직속 위원회는 논의하지 않았다.")
    assert "인사청문 위원회" in got.orgs
    assert "관련 위원회" not in got.orgs and "대통령직속 위원회" not in got.orgs


def test_two_quotations_whose_marks_the_writer_mixed(run):
    body = '공정위는 “소비자들은 추천 도서로 인식하고 있다"며 "광고임을 알리지 않은 것은 기만”이라고 밝혔다.'
    got = run(body)
    assert [(q.text, q.speaker) for q in got.quotes] == [
        ("소비자들은 추천 도서로 인식하고 있다", "공정위"), ("광고임을 알리지 않은 것은 기만", "공정위")]


def test_a_bare_korean_name_in_a_speakers_slot_is_a_person(run):
    got = run('논란이 커지자 한동석은 "그런 말을 한 적이 없다"고 반박했다.')
    assert "한동석" in got.people
    assert [q.speaker for q in got.quotes] == ["한동석"]
    got = run('정의당은 "재벌 개혁이 먼저다"라고 밝혔다.')
    assert got.people == () and [q.speaker for q in got.quotes] == ["정의당"]


def test_a_quotation_on_its_own_said_by_the_next_sentence(run):
    body = ('콘퍼런스가 서울에서 열렸다. "인공지능은 모든 사람이 쓸 수 있어야 한다". '
            '김도윤 네이버 부사장은 2일 기조연설에서 이같이 강조했다.')
    assert [q.speaker for q in run(body).quotes] == ["김도윤"]
    body = '“규제부터 풀어야 한다.” 박성민 대한상의 회장은 이날 기자들과 만나 이렇게 말했다.'
    assert [q.speaker for q in run(body).quotes] == ["박성민"]


def test_an_organisation_speaking_from_itself_with_에서(run):
    body = '논란이 일자 국토교통부에서 "사실과 다르다"라고 해명했다.'
    assert [q.speaker for q in run(body).quotes] == ["국토교통부"]
    body = '김영호 의원은 국회에서 "예산을 늘려야 한다"고 말했다.'
    assert [q.speaker for q in run(body).quotes] == ["김영호"]
    body = '이날 국회에서 "예산을 늘려야 한다"는 목소리가 나왔다.'
    assert [q.speaker for q in run(body).quotes] == [None]


def test_a_bare_name_made_a_subject_and_named_again_is_a_person(run):
    got = run("성폭행범 조만식은 지난 30일 새벽 주택에 침입했다. 경찰에 따르면 조만식은 범행을 자백했다.")
    assert "조만식" in got.people
    got = run("문제가 된 발언은 황재민의 발언이었는데, 황재민은 방송 뒤 사과했다.")
    assert "황재민" in got.people


def test_a_glossed_or_quoted_thing_is_no_bare_name(run):
    got = run("원핵생물인 고세균(Archaea) 연구가 늘었다. 고세균은 극한 환경에서도 산다.")
    assert "고세균" not in got.people
    got = run("우주선 ‘오리온’이 발사됐다. 오리온은 화성까지 간다.")
    assert "오리온" not in got.people


def test_a_mayor_with_the_city_between_name_and_title(run):
    got = run('에릭 애덤스 뉴욕 시장은 "지하철 치안을 강화하겠다"고 말했다.')
    assert "에릭 애덤스" in got.people and [q.speaker for q in got.quotes] == ["에릭 애덤스"]
    got = run("테슬라 중국 시장 점유율이 늘었다.")
    assert got.people == ()


def test_a_given_name_kiwi_reads_with_a_numeral(run):
    body = '김영오씨는 농성장에서 "끝까지 함께하겠다"고 말했다.'
    got = run(body)
    assert "김영오" in got.people and [q.speaker for q in got.quotes] == ["김영오"]


def test_a_subject_kiwi_cut_inside_an_organisation_name_with_의(run):
    body = '주호영 국민의힘 원내대표는 "추경 편성은 정략적 발상"이라고 주장했다.'
    assert [q.speaker for q in run(body).quotes] == ["주호영"]
    body = '국민의힘은 "추경 편성은 정략적 발상"이라고 주장했다.'
    assert [q.speaker for q in run(body).quotes] == ["국민의힘"]


def test_roles_of_activists_and_columnists_are_titles(run):
    got = run('최경민 환경운동연합 활동가는 "방류를 멈춰야 한다"고 말했다. 한정호 주필은 칼럼에서 반박했다.')
    assert "최경민" in got.people and "한정호" in got.people
    assert [q.speaker for q in got.quotes] == ["최경민"]


def test_a_topic_naming_no_one_gives_way_to_a_persons_clause(run):
    body = '지난 3일은 김도현 장관이 현장 직원들을 격려한 날인데, "안전이 최우선"이라고 당부한 것으로 알려졌다.'
    assert [q.speaker for q in run(body).quotes] == ["김도현"]


def test_an_earlier_topic_speaks_when_the_last_names_no_one(run):
    body = '한국철도공사는 대체 인력은 "출입문 개폐만 맡을 것"이라고 했지만 사실과 달랐다.'
    assert [q.speaker for q in run(body).quotes] == ["한국철도공사"]


def test_a_certain_unnamed_speaker_keeps_the_words_unattributed(run):
    body = '연합뉴스는 현지 언론을 인용해 김도현 장관의 한 측근은 "장관이 곧 사임할 것"이라고 전했다고 보도했다.'
    assert [q.speaker for q in run(body).quotes] == [None]


def test_a_quotation_going_on_from_the_sentence_before(run):
    body = '김도윤 장관은 이날 현장을 찾아 직원들을 격려했다. 이어 "안전이 최우선"이라고 강조했다.'
    assert [q.speaker for q in run(body).quotes] == ["김도윤"]


def test_a_priest_named_after_his_role(run):
    got = run("성당 건립을 이끈 가톨릭 사제인 안드레아 코발스키가 축성식을 집전했다.")
    assert "안드레아 코발스키" in got.people


def test_a_bare_subject_with_a_rarer_middle_syllable_named_again(run):
    got = run("오거돈은 사퇴하면서 이렇게 말했다. 오거돈은 지난 14일 연가를 내고 모습을 드러내지 않았다.")
    assert "오거돈" in got.people
    got = run("이베이는 한국 사업을 매각했다. 이베이는 지난해 흑자를 냈다.")
    assert "이베이" not in got.people and "이베이" in got.orgs


def test_a_foreign_name_opening_with_a_one_syllable_given_name(run):
    got = run("22일, 시위대는 존 웰터 경찰청장에게 애너하임 경찰 본부 앞에서 기자회견을 열었다.")
    assert "존 웰터" in got.people


def test_kin_and_role_words_before_a_name(run):
    assert "남태현" in run("위너의 멤버 남태현의 일진스캔들로 여론의 불신을 쌓았다.").people
    assert "성혜림" in run("김정남은 김정일과 그의 본처 성혜림 사이의 아들로 태어났다.").people
    assert "김영빈" in run("쿠팡 본사 앞 기자회견에 나온 라이더 김영빈은 사고 사례를 소개했다.").people
    assert "장용철" in run("장성택의 조카인 장용철 말레이시아 대사도 소환됐다.").people
    got = run("SK텔레콤은 장애인 근로자 이동권 및 고용증진을 위한 업무협약을 맺었다.")
    assert not got.people


def test_a_title_kiwi_read_in_two_before_a_name(run):
    assert "장영승" in run("SBA(서울산업진흥원 대표이사 장영승)는 연구개발 예산을 투입한다.").people


def test_a_foreign_name_in_full_once_then_by_the_family_name(run):
    body = ("연장 후반 11분에 터진 안드레스 이니에스타의 결승골로 스페인이 우승했다. "
            "연장 후반 4분에 욘 헤이팅아가 반칙을 범했고, 11분에 이니에스타가 결승골을 터뜨렸다.")
    assert "안드레스 이니에스타" in run(body).people
    body = ("증강현실 아바타는 사용자를 대신해 원격공간에 존재한다. 아바타가 존재하는 공간은 다르다. "
            "연구팀은 증강현실 아바타의 동작을 바꿨다.")
    assert not run(body).people


def test_more_institution_endings(run):
    got = run("부산성폭력상담소는 보도자료를 내고 피해자 보호를 촉구했다.")
    assert "부산성폭력상담소" in got.orgs
    got = run("일제강제징용노동자상건립추진위는 기자회견을 열었다. 나쁜차별금지법반대전북추진위원회도 성명을 냈다.")
    assert "일제강제징용노동자상건립추진위" in got.orgs and "나쁜차별금지법반대전북추진위원회" in got.orgs
    got = run("세쿼이아캐피털은 투자를 주도했다. 국내 벤처캐피털의 투자도 늘었다.")
    assert "세쿼이아캐피털" in got.orgs and "벤처캐피털" not in got.orgs


def test_an_organisation_before_a_person_loses_the_particle_kiwi_kept(run):
    got = run("국내 소셜커머스 업계 선두를 달리고 있는 티켓몬스터의 신현성 대표(26 사진)가 기자간담회를 열었다.")
    assert "티켓몬스터" in got.orgs and "티켓몬스터의" not in got.orgs


def test_a_source_named_before_the_marks_by_according_to(run):
    body = ("KAI 내부 관계자에 의하면, “하 전 사장은 성동조선해양 사장 시절부터 인연을 맺어온 하청업체들을 KAI에 "
            "그대로 끌고 왔다.”")
    assert [q.speaker for q in run(body).quotes] == ["KAI"]
    body = ("해외 언론들은 제이콥 주마 남아프리카공화국 대통령의 발표를 인용해 “넬슨 만델라 전 대통령이 6일 오전 "
            "자택에서 타계했다”고 보도했다.")
    assert [q.speaker for q in run(body).quotes] == ["제이콥 주마"]


def test_a_name_kiwi_cut_listed_before_titled_people(run):
    got = run("이우연, 주동식 주필, 최덕효 대표, 김소연 전 대전시의원 등은 2019년 12월 2일 기자회견을 했다.")
    assert {"이우연", "주동식", "최덕효", "김소연"} <= set(got.people)
    got = run("홍길동 교수, 전문의, 이사장 등이 참석했다.")
    assert "전문의" not in got.people and "이사장" not in got.people


def test_two_korean_names_joined_by_wa(run):
    got = run("김정은은 장성택의 핵심 측근인 노동당 행정부 소속 이용하와 장수길을 반당 혐의로 처형했다.")
    assert "이용하" in got.people and "장수길" in got.people
    assert not {"경부선", "경의선"} & set(run("열차는 경부선과 경의선을 오간다.").people)


def test_words_marked_on_one_side_only_and_their_speaker_introduced_lines_before(run):
    body = ("부산성폭력상담소는 보도자료를 내고 이렇게 말했다.\n"
            "부산시는 피해자를 적극적으로 보호해야 한다.\n"
            "그간 오 시장이 보여 온 낮은 성인지감수성과 성찰 없는 태도는 언제든 성폭력 사건으로 불거질 수 있었다”면서 "
            "“사퇴로만 끝나서는 안되고 피해자 보호와 회복을 위한 최선의 조치가 필요하다.\n"
            "한편 오거돈은 잠적 중이다.")
    got = run(body)
    assert [q.text[:5] for q in got.quotes] == ["그간 오 ", "사퇴로만 "]
    assert [q.speaker for q in got.quotes] == ["부산성폭력상담소", "부산성폭력상담소"]
    body = ("하지만 반대하는 목소리도 나왔는데 우종학 교수는 자신의 SNS에서 가장 큰 약점은 의혹이 사실이 아닐 수 있다는 "
            "점이다. 근거는 제대로 제시하지 못했다”고 비판했다.")
    assert not run(body).quotes


def test_a_predecessor_named_before_a_foreign_name(run):
    got = run("전임인 올리페카 칼라스부오는 비상임 이사 자격으로 계속 남게 된다.")
    assert "올리페카 칼라스부오" in got.people


def test_home_shopping_companies(run):
    assert "GS홈쇼핑" in run("GS홈쇼핑은 이달 19일 배달대행 서비스를 시작했다.").orgs
    assert not run("TV홈쇼핑 시장이 커졌다.").orgs


def test_missions_named_with_the_country_they_serve_in(run):
    got = run("주러시아 대한민국 대사관에서 밝혔다. 주한 미국대사관은 성명을 냈다.")
    assert "주러시아 대한민국 대사관" in got.orgs and "주한 미국대사관" in got.orgs
    assert "미국대사관" not in got.orgs


def test_an_organisation_named_only_inside_a_longer_one_is_left_out(run):
    got = run("CBS노컷뉴스와의 통화에서 학생회장은 기자회견을 열겠다고 밝혔다.")
    assert "노컷뉴스" not in got.orgs


def test_a_particle_kiwi_left_on_an_organisation_is_taken_off(run):
    got = run("이마트가 개발한 ‘피코크’ 롯데홈쇼핑서 판매한다.")
    assert "롯데홈쇼핑서" not in got.orgs


def test_a_japanese_name_with_its_original_aside(run):
    got = run("오우사이 학원의 학생회장인 아마쿠사 시노(天草 シノ), 부회장인 츠다 타카토시(津田 タカトシ)가 나온다.")
    assert "아마쿠사 시노" in got.people and "츠다 타카토시" in got.people
    assert "아마쿠사" not in got.people


def test_a_foreign_name_with_its_latin_original_aside(run):
    got = run("위키미디어 재단 사무총장 릴라 트레티코프 (Lila Tretikov)는 검열을 비판했다.")
    assert "릴라 트레티코프" in got.people
    got = run("퓨 리서치 센터(Pew Research Center)에 따르면 그렇다. 논문은 사이언스 어드밴시스(Science Advances)에 실렸다.")
    assert not got.people


def test_a_listed_foreign_region_keeps_its_unit_written_apart(run):
    got = run("캘리포니아 주 오렌지 군 애너하임에서 시위가 열렸다.")
    assert "캘리포니아 주" in got.places and "캘리포니아" not in got.places
    got = run("남아프리카 공화국 최초의 흑인 대통령 넬슨 만델라가 타계했다.")
    assert got.places == ("남아프리카 공화국",)
    assert "미국 주" not in run("미국 주 정부들이 반발했다.").places


def test_a_payment_service_listed_among_companies_is_the_company(run):
    got = run("카카오페이와 토스 등 간편송금 업체에 쌓인 선불 충전금이 2000억 원에 이르는 것으로 나타났다.")
    assert "카카오페이" in got.orgs
    assert "삼성페이" not in run("삼성페이로 결제하면 할인된다.").orgs


def test_chambers_cultural_centres_and_academies(run):
    assert "서울상공회의소" in run("서울상공회의소는 기업 규제 완화를 건의했다.").orgs


def test_an_organisation_made_the_topic_with_eseoneun_speaks(run):
    body = '반면 국민의힘 정당에서는 삼성그룹을 "경제의 거목"이라고 표현하였다.'
    assert [q.speaker for q in run(body).quotes] == ["국민의힘"]


def test_words_of_an_unnamed_figure_are_no_ones(run):
    body = ("이와 관련해 시사저널은 “감사원 조사에 외압이 있었다”고 인정한 감사원 고위 인사의 육성 녹음 파일을 입수했다. "
            "당시 감사를 주도했던 고위인사는 4월 통화에서 “외압이 심하다”라고 말했다.")
    assert [q.speaker for q in run(body).quotes] == [None, None]


def test_a_name_kiwi_read_as_a_verb_before_a_title(run):
    got = run("강한승 전 대통령법무비서관이 쿠팡 경영관리총괄 대표이사로 28일 선임됐다.")
    assert "강한승" in got.people


def test_a_joint_team_of_several_bodies_speaks_for_none(run):
    body = ("백정민 교수와 미국 조지아공대, 성균관대, KIST(한국과학기술연구원), 경희대 공동연구팀은 발전기를 만들었다. "
            '연구팀은 "접지층은 전하가 유실되는 것을 막는 역할도 한다"고 설명했다.')
    assert [q.speaker for q in run(body).quotes] == [None]
    body = '로체스터대 연구팀은 새 소자를 만들었다. 연구팀은 "효율이 두 배"라고 설명했다.'
    assert [q.speaker for q in run(body).quotes] == ["로체스터대"]


def test_a_kind_of_authority_is_not_the_body_named_before(run):
    body = ("부천 쿠팡 물류센터에서 확진자가 나왔다. "
            "방역당국은 “지금이 이태원 클럽 사태 때보다 더 우려되는 상황”이라고 말했다.")
    assert [q.speaker for q in run(body).quotes] == [None]


def test_a_bare_name_whose_words_or_kin_the_text_names(run):
    assert "김학순" in run("이들은 김학순의 증언 등을 제시하며 강제성을 부정했다.").people
    assert "김태호" in run("문제가 된 발언은 김태호의 발언이었는데, 방송 후 신고가 들어왔다.").people


def test_a_legislators_title_is_no_clinic(run):
    body = ("2008년 8월 27일에 열린 민주당 전당대회에서 만장일치로 지명된 미국연방상원의원 조셉 바이든(Joseph Biden)이 "
            "오바마의 부통령이며, 관례에 따라 먼저 취임선서를 하였다.")
    assert not any(org.endswith("의원") for org in run(body).orgs)


def test_a_researcher_written_apart_after_a_name_is_no_institute(run):
    body = ('북한 외무성 홈페이지에 실린 일본연구소 김설화 연구원의 글에 따르면 "일본은 국제 사회의 요구에 귀를 '
            '기울여야 한다"고 했다.')
    assert not any(org.endswith(" 연구원") for org in run(body).orgs)


def test_a_city_hall_named_only_as_a_site_is_no_organisation(run):
    body = ("이재명 경기도지사는 이날 오후 경기도청에서 긴급 기자회견을 열고 물류센터에 집합금지 명령을 내렸다. "
            "민주노총 산하 조직은 서울시청 인근에서 사전대회를 열었다.")
    got = run(body)
    assert "경기도청" not in got.orgs and "서울시청" not in got.orgs


def test_a_city_hall_team_stays_an_organisation(run):
    body = "그러나 서울시청 단장 김준수는 \"한 인간의 성별을 확인하자는 주장은 부당하다\"고 말했다."
    assert "서울시청" in run(body).orgs


def test_the_last_person_of_a_titled_list_cut_off_before_the_title(run):
    body = ("이날 기념식에는 정몽윤 현대해상 회장, 박찬종 대표이사, 임직원 및 하이플래너와 김석중 현대인베스트먼트 대표, "
            "정수현 현대건설 사장, 박철홍 한라건설..")
    assert "박철홍" in run(body).people


def test_a_publication_in_title_brackets_is_the_subject_of_its_words(run):
    body = ("<자유일보>는 <사실 확인은 ‘대충’…무조건 광화문‧교회發 확진자로 ‘몰아’> 기사를 통해 “방역당국이 부실한 조사를 "
            "통해 기독교 종교에 대해 몰아가기 하고 있다”고 썼다.")
    assert [q.speaker for q in run(body).quotes] == ["자유일보"]


def test_an_abbreviation_written_onto_a_kind_of_thing_is_no_organisation(run):
    body = ("이번 여론조사는 한국갤럽이 전국의 19세 이상 남녀 1005명을 대상으로 RDD방식으로 실시했다. "
            "부산저축은행은 BIS 비율이 5.13%이지만 국제 LNG 가격이 더 가파르게 올랐다.")
    orgs = run(body).orgs
    assert "RDD" not in orgs and "BIS" not in orgs and "LNG" not in orgs


def test_a_foreign_person_introduced_by_country_and_role(run):
    assert "카다피" in run("22일 리비아의 독재자 카다피가 TV 연설에 나와 퇴진할 의사가 없음을 밝혔다.").people
    body = "자신을 내세운 뷰티 브랜드로 22세에 1조원 대 부자가 된 미국 모델 카일리 제너, 유튜브 크리에이터들이 그렇다."
    assert "카일리 제너" in run(body).people


def test_words_of_someone_unnamed_right_before_the_mark_are_not_the_earlier_topics(run):
    body = ('이를 두고 새누리당은 "자신들과의 대화로 이뤄낸 성과다"라고 주장했지만, 바로 유가족들이 "그렇게 주장하는 '
            '것을 부끄러운 줄 알아라"라고 직격탄을 날렸습니다.')
    assert [q.speaker for q in run(body).quotes] == ["새누리당", None]


def test_a_bare_official_speaks_for_the_organisation_just_contacted(run):
    body = ("자유와인권연구소에 연락해 조사 기간을 6월 초~7월 초 사이로 설정한 이유를 물었다. 관계자는 지난 10일 전화 "
            "인터뷰에서 “해당 조사는 7월 8일 시작했다”며 “임의 설정해 조사를 진행했다”고 말했다.")
    assert [q.speaker for q in run(body).quotes] == ["자유와인권연구소", "자유와인권연구소"]


def test_a_seat_of_government_named_only_as_the_place_is_no_organisation(run):
    body = "이명박 대통령은 이날 청와대에서 국가안전보장회의를 열고 대응 방안을 논의했다."
    assert "청와대" not in run(body).orgs
    body = '청와대는 "특별사면은 없다"고 밝혔다.'
    assert "청와대" in run(body).orgs


def test_a_city_without_its_unit_and_common_nouns_in_bu_are_no_organisations(run):
    got = run("박영선 새정연 원내대표는 의정부를 지역구로 하는 문희상 의원과 만났다.")
    assert "의정부" not in got.orgs
    got = run("판교 벤처기업인 17명이 전국 예비 창업자들을 돕기 위해 재능기부에 나선다.")
    assert "재능기부" not in got.orgs


def test_a_parent_named_by_the_child_is_no_organisation(run):
    got = run("세월호 참사 135일째입니다. 유민아빠 김영오씨는 46일만에 단식을 멈췄습니다.")
    assert "유민아빠" not in got.orgs and "김영오" in got.people
