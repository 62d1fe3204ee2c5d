"""A small relevance test set: Italian documents of the domain and judged queries.

``DOCS`` are short question/practice documents (nidi, ISEE, affido, caregiver, centri per
le famiglie, Family Audit, centri antiviolenza, ...). ``QUERIES`` map a query to the
documents it must find, with a grade (2 = the answer, 1 = useful). The queries cover
inflections, missing accents, a typo, acronyms, synonyms and a quoted phrase.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from search_index import SearchDocument, parse_doc_id

BASE = datetime(2024, 1, 1, 9, 0)

# (doc_id, theme, title, body, tags)
_RAW: list[tuple[str, str, str, str, list[str]]] = [
    ("question:1", "servizi-educativi-0-6",
     "Graduatoria del nido: come aggiornare i criteri di priorità?",
     "Il regolamento comunale del nido d'infanzia assegna punti quasi solo alla residenza. "
     "Vorremmo dare priorità ai bambini con disabilità e alle famiglie segnalate dai servizi "
     "sociali, e pesare l'ISEE solo a parità di punteggio.", ["graduatorie", "regolamento"]),
    ("question:2", "servizi-educativi-0-6",
     "Rette dei nidi per fasce ISEE",
     "Stiamo rivedendo le tariffe del nido comunale: meglio fasce ISEE a scaglioni o una "
     "tariffa lineare? Le famiglie con due figli iscritti chiedono una riduzione.",
     ["tariffe"]),
    ("practice:3", "servizi-educativi-0-6",
     "Micronidi in rete tra piccoli comuni di montagna",
     "Tre micronidi da dodici posti con un unico coordinamento pedagogico e una graduatoria "
     "d'unione: il servizio arriva nelle frazioni dove prima non c'era.", ["micronido"]),
    ("question:4", "sostegno-economico",
     "Bonus asilo nido INPS e retta comunale: si sommano?",
     "Una famiglia riceve il contributo INPS per la retta e chiede anche l'agevolazione "
     "comunale. Il bonus nido copre la retta pagata, quindi va sottratto dal rimborso?",
     ["bonus"]),
    ("question:5", "servizi-educativi-0-6",
     "Sezione primavera o nuova sezione del nido?",
     "Abbiamo uno spazio libero nella scuola: conviene aprire una sezione primavera per i "
     "bambini dai 24 ai 36 mesi oppure ampliare i posti del nido?", []),
    ("question:6", "sostegno-economico",
     "Come si calcola l'ISEE per prestazioni rivolte ai minorenni?",
     "Con genitori non coniugati e non conviventi l'indicatore per le prestazioni ai "
     "minorenni considera anche il genitore non convivente: come gestirlo allo sportello?",
     ["isee"]),
    ("question:7", "sostegno-economico",
     "DSU scaduta a metà anno: cosa succede alle agevolazioni?",
     "Se la DSU scade a metà dell'anno educativo, sospendiamo la tariffa agevolata o "
     "aspettiamo la nuova attestazione?", ["dsu"]),
    ("question:8", "sostegno-economico",
     "L'assegno unico universale sostituisce le detrazioni per i figli?",
     "Molte famiglie chiedono se l'assegno unico e universale per i figli a carico abbia "
     "sostituito gli assegni familiari e le detrazioni. Cosa rispondere allo sportello?",
     []),
    ("practice:9", "sostegno-economico",
     "Sportello di quartiere per la domanda di AUU",
     "Operatori formati aiutano le famiglie a presentare la domanda all'INPS e a "
     "controllare gli importi, con appuntamenti serali.", ["sportello"]),
    ("question:10", "affido-adozione",
     "Affido familiare: quale contributo mensile alle famiglie affidatarie?",
     "Vorremmo uniformare il contributo alle famiglie affidatarie tra i comuni dell'ambito. "
     "Quanto riconoscete al mese per un affidamento a tempo pieno?", ["affido"]),
    ("practice:11", "affido-adozione",
     "Rete di famiglie d'appoggio per bambini in difficoltà",
     "Famiglie volontarie accolgono un bambino alcuni pomeriggi a settimana: un affido "
     "leggero che sostiene i genitori senza allontanare il figlio.", ["famiglie d'appoggio"]),
    ("question:12", "affido-adozione",
     "Campagna per trovare nuove famiglie affidatarie",
     "Le famiglie disponibili all'affido sono poche: quali campagne di sensibilizzazione "
     "hanno funzionato nei vostri comuni?", ["sensibilizzazione"]),
    ("practice:13", "violenza-tutela",
     "Programma P.I.P.P.I. nell'ambito sociale della valle",
     "Il programma di intervento per la prevenzione dell'istituzionalizzazione lavora con "
     "le famiglie negligenti per evitare l'allontanamento dei bambini.", []),
    ("question:14", "anziani-caregiver",
     "Caregiver familiare: come riconoscerne il ruolo nel piano di zona?",
     "Il piano di zona deve prevedere interventi per chi assiste un familiare: ore di "
     "sollievo, formazione, sportello dedicato.", ["caregiver"]),
    ("practice:15", "anziani-caregiver",
     "Ore di sollievo per i prestatori di assistenza",
     "Un servizio di sollievo a domicilio per chi assiste un anziano non autosufficiente: "
     "quattro ore a settimana e un gruppo di auto mutuo aiuto.", ["sollievo"]),
    ("question:16", "centri-famiglia-consultori",
     "Centro per le famiglie: quali servizi offrire?",
     "Stiamo aprendo un centro per le famiglie nel distretto: informazione, sostegno alla "
     "genitorialità, mediazione? Da dove partire?", []),
    ("practice:17", "centri-famiglia-consultori",
     "Mediazione familiare gratuita al centro famiglie",
     "Il centro offre percorsi di mediazione familiare gratuiti alle coppie che si "
     "separano, con una mediatrice presente due giorni a settimana.", ["mediazione"]),
    ("question:18", "natalita-genitorialita",
     "Consultorio familiare e corsi di accompagnamento alla nascita",
     "Il consultorio organizza corsi pre-parto: come coinvolgere i padri e le famiglie "
     "straniere?", ["nascita"]),
    ("practice:19", "family-friendly",
     "Family Audit in Comune: certificazione per il personale",
     "Il Comune ha ottenuto la certificazione Family Audit con un piano di misure di "
     "conciliazione per i dipendenti: orari flessibili e lavoro agile.", ["family audit"]),
    ("question:20", "conciliazione-vita-lavoro",
     "Lavoro agile e conciliazione vita-lavoro per i dipendenti comunali",
     "Come regolare il lavoro agile per chi ha figli piccoli senza scoprire gli sportelli "
     "al pubblico?", ["lavoro agile"]),
    ("practice:21", "family-friendly",
     "Distretto famiglia in valle",
     "Comuni, imprese e associazioni della valle firmano un accordo per servizi e tariffe "
     "amiche delle famiglie.", []),
    ("question:22", "violenza-tutela",
     "Centro antiviolenza: come costruire la rete territoriale?",
     "Vogliamo un protocollo tra comune, forze dell'ordine, pronto soccorso e centro "
     "antiviolenza per accogliere le donne.", ["rete"]),
    ("practice:23", "violenza-tutela",
     "Casa rifugio e percorsi di uscita dalla violenza",
     "La casa rifugio, gestita insieme ai centri antiviolenza della provincia, accompagna "
     "le donne verso l'autonomia abitativa e il lavoro.", []),
    ("question:24", "violenza-tutela",
     "Tutela dei minori: quando segnalare alla Procura?",
     "L'assistente sociale ha dubbi su una situazione di trascuratezza: quando scatta "
     "l'obbligo di segnalazione?", []),
    ("question:25", "poverta-educativa",
     "Povertà educativa: progetti con le scuole del quartiere",
     "Cerchiamo esempi di doposcuola e laboratori con le scuole per contrastare la povertà "
     "educativa.", []),
    ("practice:26", "poverta-educativa",
     "Comunità educante contro la dispersione scolastica",
     "Scuole, biblioteca e associazioni sportive del quartiere costruiscono un patto "
     "educativo contro l'abbandono scolastico.", []),
    ("question:27", "anziani-caregiver",
     "PUA e UVM: chi valuta il bisogno di assistenza domiciliare?",
     "Il punto unico di accesso raccoglie la domanda; poi la valutazione multidimensionale "
     "decide il piano. Chi convoca l'unità?", []),
    ("question:28", "disabilita",
     "Piano assistenziale individualizzato per disabilità grave",
     "Chi redige il PAI quando il ragazzo con disabilità compie diciotto anni?", ["pai"]),
    ("practice:29", "disabilita",
     "Progetto di vita e Dopo di noi",
     "Appartamenti per l'autonomia di giovani adulti con disabilità, costruiti con le "
     "famiglie prima che i genitori non possano più occuparsene.", []),
    ("question:30", "centri-famiglia-consultori",
     "Co-progettazione con gli enti del terzo settore: che procedura?",
     "Per il centro per le famiglie vorremmo una co-progettazione ai sensi dell'art. 55 "
     "del D.Lgs. 117/2017. Serve un avviso pubblico?", ["co-progettazione"]),
    ("question:31", "centri-famiglia-consultori",
     "Agenzia di tutela della salute e consultori in Lombardia",
     "Chi finanzia i consultori privati accreditati: la Regione o l'Agenzia di tutela "
     "della salute?", []),
    ("question:32", "poverta-educativa",
     "Ambito territoriale sociale: chi approva il piano di zona?",
     "Nel nostro ambito territoriale sociale il piano di zona è approvato dall'assemblea "
     "dei sindaci: serve anche il voto dei consigli comunali?", []),
    ("practice:33", "servizi-educativi-0-6",
     "Nuovi posti nido con il Piano nazionale di ripresa e resilienza",
     "Con i fondi del Piano nazionale di ripresa e resilienza il comune ha costruito un "
     "nido da quaranta posti in classe energetica A.", []),
    ("question:34", "poverta-educativa",
     "LEPS: quali livelli essenziali riguardano le famiglie?",
     "Tra i livelli essenziali delle prestazioni sociali ci sono il pronto intervento "
     "sociale e la supervisione degli operatori: e per le famiglie?", []),
    ("question:35", "poverta-educativa",
     "Riparto del fondo nazionale per le politiche sociali",
     "Come viene ripartito il fondo nazionale per le politiche sociali tra gli ambiti?", []),
    ("question:36", "natalita-genitorialita",
     "Natalità: bonus bebè comunale e sostegno alla genitorialità",
     "Il comune vuole un bonus bebè per i nuovi nati residenti e un percorso di sostegno "
     "ai neogenitori.", ["natalità"]),
    ("practice:37", "giovani",
     "Spazio giovani e orientamento al lavoro",
     "Uno spazio aperto tre pomeriggi a settimana con orientamento, curriculum e incontri "
     "con le imprese del territorio.", []),
    ("question:38", "servizi-educativi-0-6",
     "Perché le famiglie non usano i servizi integrativi?",
     "Lo spazio bambini e il centro per bambini e genitori restano semivuoti: orari, costi "
     "o comunicazione?", []),
    ("question:39", "servizi-educativi-0-6",
     "Scuola dell'infanzia: iscrizioni e tempo pieno",
     "Le famiglie chiedono il tempo pieno nella scuola dell'infanzia statale: come "
     "coordinare le iscrizioni con quella paritaria?", []),
    ("practice:40", "family-friendly",
     "Tariffe family-friendly per famiglie numerose",
     "Riduzioni sui servizi comunali per le famiglie con tre o più figli, con una carta "
     "famiglia valida anche nei negozi convenzionati.", ["famiglie numerose"]),
]


def _doc(i: int, doc_id: str, theme: str, title: str, body: str, tags: list[str]
         ) -> SearchDocument:
    kind, num = parse_doc_id(doc_id)
    return SearchDocument(
        kind=kind, id=num, title=title, body=body,
        tags=tuple(tags), theme=theme, themes=(theme,), region=f"{(i % 20) + 1:02d}",
        solved=kind == "question" and i % 3 == 0, votes=i % 7,
        created=BASE + timedelta(days=i), updated=BASE + timedelta(days=i, hours=1),
        visible=True, stamp=f"v1-{doc_id}",
    )


DOCS: list[SearchDocument] = [_doc(i, *raw) for i, raw in enumerate(_RAW)]

# query -> {doc_id: grade}; what each one exercises is in the comment
QUERIES: dict[str, dict[str, int]] = {
    "asili nido graduatoria": {"question:1": 2, "practice:3": 1},  # plural, synonym
    "famiglie affidatarie": {"question:10": 2, "question:12": 2, "practice:11": 1},
    "natalita": {"question:36": 2},  # missing accent
    "perche servizi integrativi": {"question:38": 2},  # accent, stop word
    "afido": {"question:10": 2, "question:12": 2, "practice:11": 1},  # typo
    "AUU": {"question:8": 2, "practice:9": 2},  # acronym <-> expansion
    "asilo nido": {"question:1": 1, "question:2": 1, "practice:3": 1, "question:4": 1,
                   "question:5": 1, "practice:33": 1},  # synonym nido d'infanzia / nido
    "caregiver": {"question:14": 2, "practice:15": 2},  # ~ prestatore di assistenza
    "CAV": {"question:22": 2, "practice:23": 2},  # acronym -> centro antiviolenza
    '"piano di zona"': {"question:14": 2, "question:32": 2},  # phrase
    "ATS": {"question:31": 2, "question:32": 2},  # both meanings
    "pippi": {"practice:13": 2},  # undotted acronym
    "isee minorenni": {"question:6": 2},
    "dichiarazione sostitutiva unica": {"question:7": 2},  # expansion -> DSU
    "conciliazione vita-lavoro": {"question:20": 2, "practice:19": 1},
    "centro per le famiglie": {"question:16": 2, "practice:17": 1, "question:30": 1},
    "mediazione familiare": {"practice:17": 2, "question:16": 1},
    "bebe": {"question:36": 2},  # missing accent
    "coprogettazione terzo settore": {"question:30": 2},  # typo-ish: "co-progettazione"
    "PNRR nidi": {"practice:33": 2},  # acronym + plural
    "scuola materna": {"question:39": 2},  # historic synonym
    "povertà educativa scuole": {"question:25": 2, "practice:26": 1},
    "punto unico di accesso": {"question:27": 2},
    "l'affido": {"question:10": 2, "question:12": 2, "practice:11": 1},  # elision
}
