"""The project's relevance test set: Italian documents of the domain, judged queries and
judged question-to-practice items, and the two figures computed on them.

``DOCS`` are short question/practice documents (nidi, ISEE, affido, caregiver, centri per
le famiglie, Family Audit, centri antiviolenza, ...). ``QUERIES`` map a query to the
documents it must find, with a grade (2 = the answer, 1 = useful); they cover
inflections, missing accents, a typo, acronyms, synonyms, a quoted phrase and, from the
25th on, queries as operators type them. ``RELATED`` maps the text of a question (title
and body) and its theme to the practices it should bring up. Queries and items were
judged against every document before the ranking was tuned on them.

``evaluate`` is shared by ``test_relevance.py`` and ``bench/relevance.py`` (which also
runs it against the code of an earlier commit), so both compute the same figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

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
    # -- grown set (practices mostly, so that related practices can be judged) --
    ("practice:41", "servizi-educativi-0-6",
     "Graduatoria unica dei nidi d'ambito con punteggi trasparenti",
     "I comuni dell'ambito hanno adottato un regolamento unico per le iscrizioni al nido: "
     "punti per i genitori che lavorano, per la disabilità del bambino e per i fratelli già "
     "iscritti, con la graduatoria pubblicata online.", ["graduatorie"]),
    ("practice:42", "servizi-educativi-0-6",
     "Nido gratis: azzerata la retta per le famiglie con ISEE basso",
     "Il comune copre la quota di retta non rimborsata dal bonus nido INPS per le famiglie "
     "con ISEE sotto 25.000 euro: basta una sola domanda allo sportello.", ["tariffe"]),
    ("practice:43", "servizi-educativi-0-6",
     "Spazio bambini e genitori nelle frazioni",
     "Un servizio educativo integrativo due mattine a settimana: i bambini da 12 a 36 mesi "
     "giocano con un'educatrice mentre i genitori si incontrano.", []),
    ("practice:44", "affido-adozione",
     "Servizio affidi d'ambito con un'équipe dedicata",
     "Assistente sociale e psicologa seguono le famiglie affidatarie dall'abbinamento alla "
     "conclusione dell'affidamento, con un contributo mensile uguale in tutti i comuni.",
     ["affido"]),
    ("practice:45", "affido-adozione",
     "Gruppi di sostegno per le famiglie adottive",
     "Incontri mensili per i genitori adottivi nel primo anno dopo l'adozione, organizzati "
     "con il consultorio e le associazioni.", ["adozione"]),
    ("practice:46", "affido-adozione",
     "Serate informative sull'affido in biblioteca",
     "Una campagna di sensibilizzazione con le testimonianze di famiglie affidatarie, "
     "volantini nelle scuole e serate in biblioteca ha portato dodici nuove disponibilità "
     "all'affido.", ["sensibilizzazione"]),
    ("practice:47", "sostegno-economico",
     "Sportello ISEE itinerante nei piccoli comuni",
     "Un operatore del CAF passa nei comuni dell'unione una volta al mese e aiuta le "
     "famiglie a compilare la DSU e a ottenere l'attestazione.", ["isee", "sportello"]),
    ("practice:48", "sostegno-economico",
     "Tariffe dei servizi applicate in automatico dall'ISEE",
     "Il comune legge l'attestazione dalla banca dati INPS e applica la tariffa agevolata "
     "senza chiedere documenti; con la DSU scaduta si torna alla tariffa piena dopo un "
     "avviso.", ["tariffe"]),
    ("practice:49", "violenza-tutela",
     "Protocollo di rete contro la violenza sulle donne",
     "Comune, carabinieri, pronto soccorso, consultorio e centro antiviolenza hanno firmato "
     "un protocollo con un percorso unico per accogliere le donne e i loro figli.",
     ["rete"]),
    ("practice:50", "violenza-tutela",
     "Équipe tutela minori con la neuropsichiatria infantile",
     "Servizi sociali e neuropsichiatria infantile valutano insieme le situazioni di "
     "trascuratezza e maltrattamento e decidono quando segnalare alla Procura per i "
     "minorenni.", ["tutela minori"]),
    ("practice:51", "anziani-caregiver",
     "Sportello per i caregiver familiari in ospedale",
     "Uno sportello nel reparto di geriatria informa chi assiste un familiare anziano su "
     "permessi, ore di sollievo e contributi regionali.", ["caregiver"]),
    ("practice:52", "anziani-caregiver",
     "Corso per chi assiste una persona con demenza",
     "Sei incontri con geriatra, infermiere e psicologo per i familiari che assistono a casa "
     "una persona con demenza.", ["formazione"]),
    ("practice:53", "anziani-caregiver",
     "Punto unico di accesso condiviso tra comune e ASL",
     "Un solo sportello raccoglie le domande di assistenza domiciliare; l'unità di "
     "valutazione multidimensionale si riunisce ogni settimana e redige il piano.", []),
    ("practice:54", "centri-famiglia-consultori",
     "Centro per le famiglie d'ambito: informazione e consulenza ai genitori",
     "Il centro offre uno sportello informativo, consulenza educativa ai genitori, "
     "mediazione familiare e gruppi per neogenitori, insieme al consultorio.", []),
    ("practice:55", "centri-famiglia-consultori",
     "Gruppi di parola per figli di genitori separati",
     "Quattro incontri per bambini dai 6 ai 12 anni i cui genitori si separano, condotti da "
     "due mediatori familiari.", []),
    ("practice:56", "natalita-genitorialita",
     "Primi mille giorni: visite a domicilio dopo il parto",
     "Un'ostetrica del consultorio visita a casa le famiglie nei primi mesi di vita del "
     "bambino, con attenzione alle madri sole e straniere.", ["nascita"]),
    ("practice:57", "natalita-genitorialita",
     "Kit nascita e baby pit stop del comune",
     "Ai nuovi nati il comune regala un kit con libri e informazioni sui servizi; nei "
     "negozi aderenti ci sono spazi per allattare e cambiare il bambino.", ["natalità"]),
    ("practice:58", "natalita-genitorialita",
     "Incontri per papà sulla cura dei figli",
     "Incontri serali per i padri durante la gravidanza e nel primo anno, per sostenere "
     "la genitorialità condivisa.", ["padri"]),
    ("practice:59", "family-friendly",
     "Carta famiglia comunale con sconti nei negozi",
     "Le famiglie con almeno tre figli ricevono una carta che dà riduzioni su mensa, "
     "trasporti, piscina e negozi convenzionati.", ["famiglie numerose"]),
    ("practice:60", "family-friendly",
     "Marchio Family per esercizi e musei",
     "Il marchio riconosce musei, ristoranti e comuni con servizi a misura di famiglia: "
     "fasciatoi, menù per bambini, tariffe ridotte.", []),
    ("practice:61", "conciliazione-vita-lavoro",
     "Centri estivi con orari lunghi per chi lavora",
     "Centri estivi dalle 7.30 alle 18 nelle scuole del comune, con tariffe per fasce ISEE "
     "e posti riservati ai figli di chi lavora su turni.", ["centri estivi"]),
    ("practice:62", "conciliazione-vita-lavoro",
     "Lavoro agile e banca delle ore per i dipendenti",
     "Un accordo con i sindacati introduce il lavoro agile due giorni a settimana e una "
     "banca delle ore per i dipendenti con figli o familiari da assistere.",
     ["lavoro agile"]),
    ("practice:63", "poverta-educativa",
     "Doposcuola nelle biblioteche di quartiere",
     "Volontari ed educatori aiutano nei compiti i ragazzi delle medie tre pomeriggi a "
     "settimana, con merenda e laboratori di lettura.", ["doposcuola"]),
    ("practice:64", "poverta-educativa",
     "Patto educativo di comunità contro l'abbandono scolastico",
     "Scuole, parrocchie, associazioni e servizi sociali firmano un patto: tutor per gli "
     "studenti a rischio, orientamento e sport gratuito.", []),
    ("practice:65", "disabilita",
     "Progetto di vita alla fine della scuola",
     "Quando il ragazzo con disabilità finisce la scuola superiore, servizi sociali, ASL e "
     "famiglia scrivono insieme il progetto di vita: lavoro, tempo libero, casa.",
     ["progetto di vita"]),
    ("practice:66", "disabilita",
     "Inclusione al nido dei bambini con disabilità",
     "Un'educatrice di sostegno e la formazione del personale per accogliere al nido i "
     "bambini con disabilità, con il supporto della neuropsichiatria infantile.", []),
    ("practice:67", "giovani",
     "Consulta dei giovani e bilancio partecipativo",
     "Ragazzi dai 16 ai 25 anni decidono come spendere una parte del bilancio comunale per "
     "spazi e attività giovanili.", []),
    ("practice:68", "sostegno-economico",
     "Contributo comunale alle famiglie numerose",
     "Un contributo annuale alle famiglie con tre o più figli minori e ISEE sotto 30.000 "
     "euro, con domanda online.", ["famiglie numerose"]),
    ("practice:69", "violenza-tutela",
     "Ospitalità protetta e lavoro per le donne che escono dalla violenza",
     "Alloggio protetto fino a sei mesi e un percorso con il centro per l'impiego per "
     "l'autonomia economica delle donne e dei loro figli.", []),
    ("practice:70", "servizi-educativi-0-6",
     "Sezioni primavera nelle scuole dell'infanzia paritarie",
     "Il comune convenziona sezioni primavera per i bambini dai 24 ai 36 mesi nelle scuole "
     "dell'infanzia paritarie, con la retta calcolata sull'ISEE.", []),
    ("practice:71", "centri-famiglia-consultori",
     "Co-progettazione del centro per le famiglie con il terzo settore",
     "Dopo un avviso pubblico, comune ed enti del terzo settore gestiscono insieme il "
     "centro: tavolo di co-progettazione, budget condiviso, valutazione annuale.",
     ["co-progettazione"]),
    ("practice:72", "anziani-caregiver",
     "Assegno di cura per chi assiste un anziano a casa",
     "Un contributo mensile alle famiglie che assistono a domicilio un anziano non "
     "autosufficiente, legato al piano assistenziale e alle ore di assistenza domiciliare.",
     []),
    ("question:73", "anziani-caregiver",
     "Permessi della legge 104 per chi assiste un genitore anziano",
     "Un dipendente chiede quanti giorni di permesso spettano per assistere la madre non "
     "autosufficiente e se può chiedere il congedo straordinario.", ["104"]),
    ("question:74", "servizi-educativi-0-6",
     "Inserimento al nido: quanto deve durare l'ambientamento?",
     "Le educatrici propongono due settimane con i genitori presenti, ma molte famiglie "
     "lavorano: avete esperienze di inserimenti più brevi?", []),
    ("question:75", "violenza-tutela",
     "Violenza assistita: come lavorare con i bambini?",
     "Nei casi di violenza domestica i figli assistono ai maltrattamenti: quali percorsi "
     "attivate con il centro antiviolenza e la neuropsichiatria?", []),
    ("question:76", "disabilita",
     "Dopo di noi: come usare il fondo per gli appartamenti",
     "Abbiamo risorse del fondo Dopo di noi: meglio un co-housing per giovani con "
     "disabilità o ristrutturare una casa famiglia?", []),
    ("question:77", "giovani",
     "NEET: come agganciare i ragazzi che non studiano e non lavorano?",
     "Vorremmo raggiungere i giovani che non sono né a scuola né al lavoro: sportelli, "
     "educativa di strada, social?", []),
    ("question:78", "centri-famiglia-consultori",
     "Mediazione familiare: gratuita o a pagamento?",
     "Il centro per le famiglie offre la mediazione familiare: è corretto chiedere un "
     "contributo alle coppie o deve essere gratuita?", []),
    ("question:79", "sostegno-economico",
     "Assegno unico e contributi comunali: si possono cumulare?",
     "Il contributo comunale per i figli va ridotto per chi riceve l'assegno unico "
     "universale dall'INPS?", []),
    ("question:80", "family-friendly",
     "Come ottenere la certificazione Family Audit?",
     "Il comune vuole certificarsi Family Audit per il personale: quali passi, costi e "
     "tempi?", []),
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

# query -> {doc_id: grade}; what each one exercises is in the comment. Judged against
# every document before any tuning of the ranking (the grown set: queries 25 onwards).
QUERIES: dict[str, dict[str, int]] = {
    "asili nido graduatoria": {"question:1": 2, "practice:41": 2, "practice:3": 1},
    "famiglie affidatarie": {"question:10": 2, "question:12": 2, "practice:11": 1,
                             "practice:44": 1, "practice:46": 1},
    "natalita": {"question:36": 2, "practice:57": 1},  # missing accent
    "perche servizi integrativi": {"question:38": 2, "practice:43": 1},  # accent, stop word
    "afido": {"question:10": 2, "question:12": 2, "practice:11": 1, "practice:44": 1,
              "practice:46": 1},  # typo
    "AUU": {"question:8": 2, "practice:9": 2, "question:79": 1},  # acronym <-> expansion
    "asilo nido": {"question:1": 1, "question:2": 1, "practice:3": 1, "question:4": 1,
                   "question:5": 1, "practice:33": 1, "practice:41": 1, "practice:42": 1,
                   "practice:66": 1, "question:74": 1},  # nido d'infanzia / nido
    "caregiver": {"question:14": 2, "practice:15": 2, "practice:51": 2, "practice:52": 1},
    "CAV": {"question:22": 2, "practice:23": 2, "practice:49": 2, "question:75": 1},
    '"piano di zona"': {"question:14": 2, "question:32": 2},  # phrase
    "ATS": {"question:31": 2, "question:32": 2},  # both meanings
    "pippi": {"practice:13": 2},  # undotted acronym
    "isee minorenni": {"question:6": 2},
    "dichiarazione sostitutiva unica": {"question:7": 2, "practice:47": 1, "practice:48": 1},
    "conciliazione vita-lavoro": {"question:20": 2, "practice:19": 1, "practice:62": 1},
    "centro per le famiglie": {"question:16": 2, "practice:54": 2, "practice:17": 1,
                               "question:30": 1, "practice:55": 1, "practice:71": 1,
                               "question:78": 1},
    "mediazione familiare": {"practice:17": 2, "question:78": 2, "question:16": 1,
                             "practice:54": 1, "practice:55": 1},
    "bebe": {"question:36": 2},  # missing accent
    "coprogettazione terzo settore": {"question:30": 2, "practice:71": 2},
    "PNRR nidi": {"practice:33": 2},  # acronym + plural
    "scuola materna": {"question:39": 2, "practice:70": 1},  # historic synonym
    "povertà educativa scuole": {"question:25": 2, "practice:26": 1, "practice:64": 1,
                                 "practice:63": 1},
    "punto unico di accesso": {"question:27": 2, "practice:53": 2},
    "l'affido": {"question:10": 2, "question:12": 2, "practice:11": 1, "practice:44": 1,
                 "practice:46": 1},  # elision
    # -- written as operators type them --
    "graduatoria unica nidi": {"practice:41": 2, "question:1": 1, "practice:3": 1},
    "retta nido isee": {"question:2": 2, "practice:42": 2, "practice:70": 1,
                        "question:4": 1},
    "bonus nido inps": {"question:4": 2, "practice:42": 2},
    "sostegno alla genitorialità": {"question:36": 2, "practice:58": 2, "question:16": 1,
                                    "practice:54": 1},
    "sostenere i genitori": {"practice:58": 2, "practice:11": 1, "question:36": 1,
                             "practice:54": 1},  # sostegno / sostenere, genitori
    "caregiver familiari": {"question:14": 2, "practice:51": 2, "practice:15": 1,
                            "practice:52": 1},  # familiare / familiari
    "assistenza domiciliare anziani": {"question:27": 2, "practice:53": 2, "practice:72": 2,
                                       "practice:15": 1},
    "permessi legge 104": {"question:73": 2},
    "demenza familiari": {"practice:52": 2},
    "affido leggero": {"practice:11": 2},
    "adozione": {"practice:45": 2},
    "contributo famiglie affidatarie": {"question:10": 2, "practice:44": 2},
    "rete centro antiviolenza": {"question:22": 2, "practice:49": 2, "practice:23": 1},
    "violenza assistita": {"question:75": 2},
    "tutela minori procura": {"question:24": 2, "practice:50": 2},
    "casa rifugio": {"practice:23": 2, "practice:69": 1},
    "mediazione familiare gratuita": {"practice:17": 2, "question:78": 2},
    "figli genitori separati": {"practice:55": 2, "practice:17": 1},
    "visite a domicilio dopo il parto": {"practice:56": 2},
    "papà": {"practice:58": 2},
    "carta famiglia": {"practice:59": 2, "practice:40": 2},
    "marchio family": {"practice:60": 2},
    "certificazione family audit": {"question:80": 2, "practice:19": 2},
    "centri estivi": {"practice:61": 2},
    "lavoro agile dipendenti": {"question:20": 2, "practice:62": 2, "practice:19": 1},
    "doposcuola": {"practice:63": 2, "question:25": 2},
    "abbandono scolastico": {"practice:64": 2, "practice:26": 2},
    "progetto di vita disabilità": {"practice:65": 2, "practice:29": 2},
    "dopo di noi": {"question:76": 2, "practice:29": 2},
    "inclusione disabilità nido": {"practice:66": 2},
    "sezione primavera": {"question:5": 2, "practice:70": 2},
    "inserimento al nido": {"question:74": 2},
    "neet": {"question:77": 2},
    "consulta giovani": {"practice:67": 2},
    "sportello isee": {"practice:47": 2, "question:6": 1},
    "tariffe agevolate isee": {"practice:48": 2, "question:2": 1, "question:7": 1},
    "contributo famiglie numerose": {"practice:68": 2, "practice:40": 1, "practice:59": 1},
    "assegno unico contributo comunale": {"question:79": 2, "question:8": 1},
    "co-progettazione centro famiglie": {"practice:71": 2, "question:30": 2},
    "assegno di cura": {"practice:72": 2},
    "spazio bambini e genitori": {"practice:43": 2, "question:38": 1},
    "educativa di strada": {"question:77": 2},
    "neogenitori": {"question:36": 2, "practice:54": 1},
    "kit nascita": {"practice:57": 2},
    "formazione caregiver": {"practice:52": 2, "question:14": 1},
    "anziano non autosufficiente": {"practice:72": 2, "practice:15": 2, "question:73": 1},
    "micronidi montagna": {"practice:3": 2},
    "famiglia affidataria": {"question:10": 2, "question:12": 2, "practice:44": 1,
                             "practice:46": 1},  # singular of the indexed plural
    "campagna affido": {"question:12": 2, "practice:46": 2},
    "genitorialità": {"question:36": 2, "practice:58": 2, "question:16": 1,
                      "practice:54": 1},  # genitori are the same concept for operators
}

# Question-to-practice items: the text of a question as an operator writes it (title and
# body), its theme, and the practices a reader of that question should be offered.
# Judged against every practice before any tuning of ``related``.
RELATED: list[tuple[str, str, dict[str, int]]] = [
    ("Graduatoria del nido: più punti ai genitori che lavorano? Vorremmo dare priorità ai "
     "genitori lavoratori e ai bambini con disabilità. Come avete scritto il regolamento?",
     "servizi-educativi-0-6", {"practice:41": 2, "practice:3": 1, "practice:66": 1}),
    ("Il bonus nido basta a coprire la retta? Pensiamo di azzerare la quota a carico delle "
     "famiglie con ISEE basso: qualcuno lo ha fatto?",
     "sostegno-economico", {"practice:42": 2, "practice:48": 1}),
    ("Come trovare famiglie disponibili all'affido? In paese nessuno si fa avanti: come "
     "avete organizzato la campagna?",
     "affido-adozione", {"practice:46": 2, "practice:44": 1, "practice:11": 1}),
    ("Quanto date al mese alle famiglie affidatarie? Vorremmo un contributo uguale in tutto "
     "l'ambito per l'affido a tempo pieno.",
     "affido-adozione", {"practice:44": 2, "practice:11": 1}),
    ("Aiuti per la figlia che assiste la madre anziana. Una signora di 85 anni vive con la "
     "figlia che la assiste: cosa possiamo offrire al caregiver familiare oltre ai "
     "contributi?",
     "anziani-caregiver", {"practice:51": 2, "practice:15": 2, "practice:72": 1,
                           "practice:52": 1}),
    ("Chi valuta il bisogno di assistenza domiciliare? Come organizzate il punto unico di "
     "accesso e la valutazione multidimensionale con l'ASL?",
     "anziani-caregiver", {"practice:53": 2, "practice:72": 1}),
    ("Apriamo un centro per le famiglie: da dove partire? Quali servizi offrire ai genitori "
     "nel primo anno?",
     "centri-famiglia-consultori", {"practice:54": 2, "practice:71": 1, "practice:17": 1,
                                    "practice:55": 1}),
    ("Coppie che si separano e figli contesi. Come aiutate i bambini quando i genitori si "
     "separano? Offrite la mediazione familiare?",
     "centri-famiglia-consultori", {"practice:17": 2, "practice:55": 2, "practice:54": 1}),
    ("Donne vittime di violenza: dove accoglierle? Cerchiamo un alloggio protetto e un "
     "percorso verso il lavoro per le donne che escono dalla violenza.",
     "violenza-tutela", {"practice:69": 2, "practice:23": 2, "practice:49": 1}),
    ("Protocollo con pronto soccorso e carabinieri. Chi ha una rete tra comune, forze "
     "dell'ordine e ospedale per i casi di violenza domestica?",
     "violenza-tutela", {"practice:49": 2, "practice:23": 1, "practice:69": 1}),
    ("Minori trascurati: chi decide la segnalazione alla Procura? Nel nostro servizio "
     "l'assistente sociale è sola a decidere.",
     "violenza-tutela", {"practice:50": 2, "practice:13": 1}),
    ("Famiglie negligenti: come evitare l'allontanamento dei figli? Cerchiamo un "
     "intervento intensivo a casa prima di arrivare alla comunità.",
     "violenza-tutela", {"practice:13": 2, "practice:11": 1, "practice:50": 1}),
    ("Mamme sole dopo il parto. Molte madri restano sole nei primi mesi: come sostenere i "
     "neogenitori dopo la nascita?",
     "natalita-genitorialita", {"practice:56": 2, "practice:57": 1, "practice:58": 1,
                                "practice:54": 1}),
    ("Come coinvolgere i padri? Ai corsi vengono solo le mamme: esperienze per i papà e la "
     "cura dei figli piccoli?",
     "natalita-genitorialita", {"practice:58": 2, "practice:56": 1}),
    ("Agevolazioni per le famiglie con tre figli: carta famiglia o contributo in denaro? "
     "Vorremmo aiutare le famiglie numerose.",
     "family-friendly", {"practice:59": 2, "practice:40": 2, "practice:68": 2}),
    ("Orari flessibili per i dipendenti con figli piccoli. Come conciliare lavoro e "
     "famiglia per il personale del comune senza chiudere gli uffici?",
     "conciliazione-vita-lavoro", {"practice:62": 2, "practice:19": 2, "practice:61": 1}),
    ("D'estate le scuole chiudono e i genitori lavorano: come organizzare i centri estivi "
     "con orari lunghi?",
     "conciliazione-vita-lavoro", {"practice:61": 2}),
    ("Ragazzi che lasciano la scuola. Come contrastare la dispersione scolastica nel "
     "quartiere con le associazioni?",
     "poverta-educativa", {"practice:64": 2, "practice:26": 2, "practice:63": 1}),
    ("Finita la scuola, cosa succede al ragazzo disabile? Chi costruisce il progetto di "
     "vita e dove potrà vivere quando i genitori non ci saranno più?",
     "disabilita", {"practice:65": 2, "practice:29": 2}),
    ("Fondi PNRR per un nuovo nido: esperienze di costruzione? Abbiamo ottenuto il "
     "finanziamento per quaranta posti.",
     "servizi-educativi-0-6", {"practice:33": 2, "practice:3": 1}),
    ("Le famiglie non riescono a compilare la DSU. Qualcuno aiuta allo sportello a "
     "ottenere l'ISEE?",
     "sostegno-economico", {"practice:47": 2, "practice:9": 1, "practice:48": 1}),
    ("Come coinvolgere i giovani nelle decisioni del comune? Vorremmo che i ragazzi "
     "proponessero progetti.",
     "giovani", {"practice:67": 2, "practice:37": 1}),
    ("Sezione primavera per i bambini di due anni: convenzione con le scuole paritarie?",
     "servizi-educativi-0-6", {"practice:70": 2}),
    ("Co-progettazione con il terzo settore per il centro famiglie: come avete scritto "
     "l'avviso e organizzato il tavolo?",
     "centri-famiglia-consultori", {"practice:71": 2, "practice:54": 1}),
]


def ndcg_at(k: int, ranked: list[str], grades: dict[str, int]) -> float:
    """nDCG@k with gains 2**grade - 1."""
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at(k: int, ranked: list[str], grades: dict[str, int]) -> float:
    """Share of the judged documents found in the first ``k``."""
    return len(set(ranked[:k]) & set(grades)) / len(grades)


@dataclass
class Figures:
    """Mean nDCG@5 and recall@10 over a list of judged items, with the per-item rows."""

    ndcg: float
    recall: float
    rows: list[tuple[str, float, float, list[str]]]

    def report(self, label: str) -> str:
        lines = [f"{q[:60]!r:64} nDCG@5={n:.2f} recall@10={r:.2f} top={top}"
                 for q, n, r, top in self.rows]
        lines.append(f"{label}: MEAN over {len(self.rows)}: nDCG@5={self.ndcg:.3f} "
                     f"recall@10={self.recall:.3f}")
        return "\n".join(lines)


def _figures(rows: list[tuple[str, float, float, list[str]]]) -> Figures:
    return Figures(sum(r[1] for r in rows) / len(rows), sum(r[2] for r in rows) / len(rows),
                   rows)


def evaluate_queries(index: Any) -> Figures:
    """``QUERIES`` against ``index.search`` (any ``SearchBackend``)."""
    rows = []
    for q, grades in QUERIES.items():
        ranked = [h.doc_id for h in index.search(q, per_page=10).hits]
        rows.append((q, ndcg_at(5, ranked, grades), recall_at(10, ranked, grades), ranked[:5]))
    return _figures(rows)


def evaluate_related(index: Any) -> Figures:
    """``RELATED`` against ``index.more_like`` (practices, the question's theme given)."""
    rows = []
    for text, theme, grades in RELATED:
        ranked = [h.doc_id for h in index.more_like(text, type="practice", theme=theme,
                                                     limit=10)]
        rows.append((text, ndcg_at(5, ranked, grades), recall_at(10, ranked, grades),
                     ranked[:5]))
    return _figures(rows)
