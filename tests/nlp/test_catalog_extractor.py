"""The catalog-driven extractor: services and cities by id, however people spell them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from dalil import project
from nlp.catalog_extractor import CatalogEntityExtractor


def trained_extractor(catalog: Path, storage_dir: Path) -> CatalogEntityExtractor:
    """Trains the component on ``catalog`` and loads it back, as Rasa does."""
    storage = LocalModelStorage(storage_dir)
    resource = Resource("catalog_extractor")
    context = ExecutionContext(GraphSchema({}), node_name="catalog_extractor")
    config = {**CatalogEntityExtractor.get_default_config(), "catalog": str(catalog)}
    CatalogEntityExtractor.create(config, storage, resource, context).train(TrainingData())
    return CatalogEntityExtractor.load(config, storage, resource, context)


@pytest.fixture(scope="module")
def extractor(tmp_path_factory: pytest.TempPathFactory) -> CatalogEntityExtractor:
    return trained_extractor(project.CATALOG, tmp_path_factory.mktemp("storage"))


def found(extractor: CatalogEntityExtractor, text: str, entity: str = "service") -> list[str]:
    message = Message(data={"text": text})
    extractor.process([message])
    return [e["value"] for e in message.get("entities", []) if e["entity"] == entity]


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("كم رسوم نقل الكفالة؟", "worker_transfer"),
        ("ابي اسوي نقل كفاله لعامل عندي", "worker_transfer"),  # ه for ة, no «ال»
        ("وش المطلوب لبلاغ هروب", "absence_report"),
        ("ابي الغي بلاغ الهروب", "absence_report_cancel"),  # the longer phrase wins
        ("كيف اطلع شهادة السعوده", "saudization_certificate"),
        ("متى تخلص شهاده التوطين", "saudization_certificate"),
        ("بكم تجديد رخصة العمل", "work_permit_renewal"),
        ("وش خطوات تجديد رخصه عمل", "work_permit_renewal"),
        ("كم تاخذ مكافأة نهاية الخدمة", "end_of_service_benefit"),
        ("كيف اقدم شكوى عمالية", "labor_complaint"),
        ("ابي اعرف عن نقل الكفلة", "worker_transfer"),  # one letter missing
        ("وبنقل الكفالة كم ياخذ", "worker_transfer"),  # clitics و + ب
        # No name typed: the words of one service's phrase, in other forms.
        ("كيف اوثق عقدي", "contract_authentication"),  # اوثق ~ توثيق
        ("ابي اعترض على المخالفه", "violation_objection"),
        ("رخصة العامل خلصت وابغى اجددها", "work_permit_renewal"),
        # A phrase inside a fuller one: «رخصة العمل» in «رخصة العمل خلصت».
        ("رخصة العمل خلصت وش اسوي", "work_permit_renewal"),
        # Verb forms: «جددت» is renewal although «جديد» (new) shares its stem.
        ("جددت رخصة العمل لعمالي امس", "work_permit_renewal"),
        ("ابي رخصة عمل جديدة للعامل اللي وصل", "work_permit_issue"),
        # The «ال» of «إلغاء» belongs to the word: «الغيت», «لالغاء».
        ("الغيت البلاغ اللي رفعته على العامل", "absence_report_cancel"),
        ("وش المطلوب لالغاء بلاغ الهروب", "absence_report_cancel"),
        # A pronoun after a plural («خدماته») is the word «خدمات», which names nothing.
        ("ودي اعرف كيف ابلغ عن عامل هارب وخدماته عندي", "absence_report"),
        # A Nitaqat band beside another service is a condition of it.
        ("اذا نطاقنا احمر اقدر انقل كفالة عامل؟", "worker_transfer"),
        ("هل النطاق الأصفر يمنع تجديد رخص العمل", "work_permit_renewal"),
        ("لو نطاقنا احمر اقدر اجدد رخص العمل؟", "work_permit_renewal"),  # band by its words
        ("وش لون النطاق حق مؤسستي", "nitaqat_inquiry"),
        # Beside the band, another service needs a whole phrase: «رقم المنشأة» is not one.
        ("وش المطلوب للاستعلام عن نطاق المنشأة هل يكفي رقم المنشأة", "nitaqat_inquiry"),
        # The runner-up found nothing the winner did not: «تأشيرة» alone is not the
        # recruitment visa when the refund's other words are there too.
        ("هل يمكن استرداد قيمة تأشيرة لم يتم استخدامها", "visa_refund"),
        ("العامل غايب من اسبوع متى اقدر ابلغ", "absence_report"),
        ("كم لازم غياب العامل عشان ابلغ عنه", "absence_report"),
        # A stem of two letters counts alone when typed as the catalog writes it.
        ("بكم الفيزا لعامل من برا", "recruitment_visa"),
        # The catalog's synonyms: «تصريح» is «رخصة» in every name holding it.
        ("كم رسوم تجديد تصريح العمل", "work_permit_renewal"),
        # An imperfect verb with its object pronoun: «ينقلني» is «نقل».
        ("كفيلي وافق ينقلني لشركة ثانية وش الخطوات", "worker_transfer"),
        ("كيف اسجل في مساند", "domestic_worker_recruitment"),
        ("الشغالة متى توصل بعد ما دفعت", "domestic_worker_recruitment"),
        # A long word's first «ب» may be its own: «بلاغات» is the plural of «بلاغ».
        ("كم تاخذ معالجة بلاغات المخالفات", "violation_report"),
        ("ابي اشيل بلاغ الهروب عن عاملي", "absence_report_cancel"),  # «شيل» = «إلغاء»
        ("كم رسوم تجديد كرت العمل", "work_permit_renewal"),  # «كرت العمل» = the permit
        ("ابي ابلغ عن محل يشغل عمال مو على كفالته", "violation_report"),
        ("ابي ابلغ عن عامل هارب من المؤسسة", "absence_report"),  # a worker, not a firm
        ("كم رسوم رصخة العمل", "work_permit_issue"),  # two letters swapped
        # Whom a service is for («الشغالة») gives way to what is asked about her ...
        ("العاملة المنزلية هربت وابي اسوي بلاغ تغيب", "absence_report"),
        ("السواق الخاص خلص عقده كيف احسب له نهاية الخدمة", "end_of_service_benefit"),
        # ... and makes a visa a household's recruitment visa.
        ("كم رسوم فيزا الشغالة", "domestic_worker_recruitment"),
        ("ابي تأشيرة خادمة من الفلبين", "domestic_worker_recruitment"),
        # The English name, and English words in the catalog's synonyms.
        ("what documents do I need for work permit renewal", "work_permit_renewal"),
        ("ابي احجز appointment بمكتب العمل بالرياض", "office_appointment"),
        # «ة» before a pronoun is written «ت»: «مهنته» is «مهنة» + «ه».
        ("ابي اغير مهنته لسباك وش الخطوات", "profession_change"),
        ("سويت بلاغ هروب بالغلط وبغيت الغيته كيف", "absence_report_cancel"),  # «الغيت» + «ه»
        ("كفيلي مسوي علي بلاغ هروب كيف ينشال", "absence_report_cancel"),  # a passive verb
        ("منو اللي يقدر يلغي بلاغ الانقطاع", "absence_report_cancel"),  # «يلغي» is «إلغاء»
        ("عندي ورشة تشغل عمال بدون عقود ابي ابلغ عنها", "violation_report"),  # «ورشة» = «محل»
        ("ابي ابلغ عن شركة مشغلة عمال بدون عقود", "violation_report"),
        ("وين ابلغ عن سعودة وهمية", "violation_report"),  # a violation, not the certificate
        ("رخصة العمل ما تتجدد وش المطلوب", "work_permit_renewal"),  # «تتجدد» is «تجديد»
        ("كم رسوم التأشيرة لسا نفسها", "recruitment_visa"),  # «لسا» (still) is not «فلوس»
        ("can I check nitaqat of my company", "nitaqat_inquiry"),
        ("وين اشيك على نطاق شركتي", "nitaqat_inquiry"),  # «أشيك» (check) is no complaint
        ("وش اجيب معي للموعد", "office_appointment"),  # «أجيب» (bring) names no housemaid
        ("العامل متغيب من عشرة ايام كيف ابلغ عنه", "absence_report"),  # «متغيب» is «تغيب»
        ("ابغى استقدم مربية لعيالي كم التكلفة", "domestic_worker_recruitment"),
        # «السجل التجاري» is another agency's: its «سجل» is not «تسجيل منشأة».
        ("الاستعلام عن النطاق يحتاج السجل التجاري ولا رقم المنشأة", "nitaqat_inquiry"),
        ("وين ابلغ عن هالمخالفه", "violation_report"),  # «هال» (this) is an article
        # A service done about another one named beside it is the one asked about.
        ("الكفيل ما عطاني نهاية الخدمة وابي اشتكي عليه", "labor_complaint"),
        ("رفعت بلاغ تغيب على العامل وبعدين رجع ابي الغاء البلاغ كم ياخذ", "absence_report_cancel"),
        # Every word a cancellation found («بلاغ», «غايب») is an absence report's word.
        ("هروب بلاغ متى يقدر الكفيل يسويه والعامل غايب", "absence_report"),
        # «تستخدم» is the catalog's «مستخدمة», not a misspelt «استقدام».
        ("تأشيرات صادرة ولم تستخدم ابغى استرداد رسومها", "visa_refund"),
        # «ة» ends a word: a letter after it means a space was left out.
        ("شهادةالسعوده وش هي وليش البنك يطلبها", "saudization_certificate"),
        ("رخصةالعمل وش يبي لها اول ماوصل العامل", "work_permit_issue"),
        ("حجزموعد بمكتب العمل كيف", "office_appointment"),  # two known words glued
        ("ابي اسوي حساب فيبوابه الخدمات", "portal_account"),
        # In a labor office «المكافأة» is the end-of-service benefit.
        ("الكفيل لازم يصرف المكافأة خلال كم يوم", "end_of_service_benefit"),
        ("عندي استفسار عن الـ WPS", "wage_protection"),
        # Arabizi, Arabic in Latin letters: «s» may be «ص» (rukhsat, رخصة).
        ("kam rsoom tajdeed rukhsat al3amal", "work_permit_renewal"),
        ("wain asawi 7jz maw3d fi maktab al3amal", "office_appointment"),
        ("shlon asawi shakwa 3la el kafeel", "labor_complaint"),
        # Two services wholly named by their words: the first is the one asked about.
        ("ابغى افتح ملف منشأة، لازم احجز موعد واروح ولا كله اونلاين؟", "establishment_file"),
        # A household's kind of recruitment, named, outweighs the visa the words suggest.
        ("ابغا استقدم شغالة من كينيا، كم تكلفني التاشيرة والمكتب تقريبا؟",
         "domestic_worker_recruitment"),
        ("رسوم تجديد رخصة العمل للعامل الوافد كم صارت", "work_permit_renewal"),
        # «عال» is «على ال»; «الجدد» (the new ones) is not «تجديد».
        ("وكيف بعمل حساب عالبوابة الالكترونية؟", "portal_account"),
        ("الممرضات الجدد نطلع لهم رخصة عمل جديده، وش نحتاج من اوراق؟", "work_permit_issue"),
        # Renewal is done to a permit: named beside it, renewal is what is asked.
        ("رخص العمل حقتهم بتنتهي، تجديد رخصة العمل وش يطلب", "work_permit_renewal"),
    ],
)
def test_services_are_found_by_catalog_id(extractor, text: str, service: str) -> None:
    assert found(extractor, text)[:1] == [service]


def test_entity_offsets_point_at_what_the_user_typed(extractor) -> None:
    text = "كم رسوم نقل الكفاله لو سمحت"
    message = Message(data={"text": text})
    extractor.process([message])
    (entity,) = message.get("entities")
    assert text[entity["start"] : entity["end"]] == "نقل الكفاله"
    assert entity["extractor"] == "CatalogEntityExtractor"


@pytest.mark.parametrize(
    "text",
    [
        "السلام عليكم",
        "كم سعر الذهب اليوم",
        "وش الجو بكرة",
        "شكرا ما قصرت",
        "شكرا جزيلا على المساعدة",
        "متى يفتح مكتب العمل",
        "فاز الهلال امس",  # «فاز» stems as «فيزا» does
        "عندي موظفين سعوديين",  # Saudi is not Saudization
        "كم راتب الموظف السعودي",
        "ابي مساعدة لو سمحت",  # «مساعدة» is one letter from «مساند»
        "الله يسعدك",
        "متى تفتح مكاتب العمل",  # «فتح ملف في مكتب العمل» is not named by the office
        "الشغل عندكم زين",  # work, not «شغالة» (a housemaid)
        "وسائل التواصل",  # «وسائل» is not a misspelt «سائق»
        "كيف اسوي خروج وعودة",  # a typo keeps the first letter: «وعودة» is not «سعودة»
        "ابي اشيك على حالة الشركة",
        "وش لازم يكون عندي قبل اسجل",  # «يكون» (to be) is no stem of a loanword
        # Other agencies' services, listed in the catalog as not ours.
        "كيف اجدد رخصة القيادة",
        "كم رسوم فيزا الزيارة العائلية",
        "🙂🙂",
        "",
    ],
)
def test_no_service_is_invented(extractor, text: str) -> None:
    assert found(extractor, text) == []


@pytest.mark.parametrize("text", ["تمام", "تمام شكرا", "اوكي تمام"])
def test_no_city_is_invented(extractor, text: str) -> None:
    assert found(extractor, text, "city") == []


@pytest.mark.parametrize(
    ("text", "city"),
    [("وين مكتب العمل في الرياض", "riyadh"), ("عنوان المكتب بجده", "jeddah"), ("في ابها", "abha")],
)
def test_cities_are_found_by_id(extractor, text: str, city: str) -> None:
    assert found(extractor, text, "city") == [city]


def test_a_service_added_to_the_catalog_is_found_without_code(tmp_path: Path) -> None:
    raw = yaml.safe_load(project.CATALOG.read_text(encoding="utf-8"))
    new = dict(raw["services"][0])
    new.update(
        id="training_support",
        name_ar="دعم التدريب على رأس العمل",
        name_en="On-the-job training support",
        aliases=["دعم التدريب", "برنامج تمهير"],
    )
    raw["services"].append(new)
    copy = tmp_path / "catalog.yml"
    copy.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")

    (tmp_path / "storage").mkdir()
    extractor = trained_extractor(copy, tmp_path / "storage")

    assert found(extractor, "كم رسوم برنامج تمهير") == ["training_support"]
    assert found(extractor, "وش شروط دعم التدريب") == ["training_support"]
    assert found(extractor, "كم رسوم نقل الكفالة") == ["worker_transfer"]


def test_changing_the_catalog_changes_the_fingerprint(tmp_path: Path) -> None:
    copy = tmp_path / "catalog.yml"
    copy.write_text(project.CATALOG.read_text(encoding="utf-8"), encoding="utf-8")
    before = CatalogEntityExtractor.fingerprint_addon({"catalog": str(copy)})
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert CatalogEntityExtractor.fingerprint_addon({"catalog": str(copy)}) != before


def test_coverage_tells_a_bare_name_from_a_question(extractor) -> None:
    from rasa.nlu.constants import TOKENS_NAMES

    from nlp.coverage_featurizer import service_coverage
    from nlp.tokenizer import ArabicTokenizer

    tokenizer = ArabicTokenizer(ArabicTokenizer.get_default_config())

    def coverage(text: str) -> float | None:
        message = Message(data={"text": text})
        message.set(TOKENS_NAMES["text"], tokenizer.tokenize(message, "text"))
        extractor.process([message])
        return service_coverage(message)

    assert coverage("نطاقات") == 1.0
    assert coverage("بخصوص نقل الكفالة") >= 0.6  # mostly the name
    assert 0 < coverage("وش الاوراق المطلوبة لنقل الكفالة") < 0.6
    assert coverage("السلام عليكم") is None


def test_two_services_named_by_their_words_are_both_found_in_order(extractor) -> None:
    text = "ابغى افتح ملف منشأة، لازم احجز موعد واروح ولا كله اونلاين؟"
    assert found(extractor, text) == ["establishment_file", "office_appointment"]
