# wiel — alle teksten die een mens leest, in het Nederlands.
# Elk bericht staat ook in en.ftl, met dezelfde argumenten (de catalogustest bewaakt dat).

## Tellen

count-entries = { $count ->
    [one] 1 bericht
   *[other] { $count } berichten
}

## Soorten berichten en oordelen

kind-practice = goed voorbeeld
kind-story = praktijkverhaal
kind-question = vraag
kind-answer = antwoord
kind-reaction = reactie
kind-retraction = intrekking
kind-profile = profiel
kind-endorsement = aanbeveling
kind-key-rotation = sleutelwissel
kind-revocation = sleutelintrekking
kind-key-history = sleutelgeschiedenis
kind-with-article = { $code ->
   *[other] een { $kind }
}
verdict-works = werkt
verdict-does-not-work = werkt niet
verdict-applied-here = hier toegepast
verdict-useful = nuttig
verdict-accepted = geaccepteerd antwoord

## Velden van een bericht

field-title = de titel
field-text = de tekst
field-contact = het contact
field-tags = de trefwoorden
field-themes = de thema's
field-situation = de situatie
field-approach = de aanpak
field-result = het resultaat
field-lessons = de lessen
field-organisation-name = de naam van de organisatie
field-space = de ruimte
field-network = de netwerknaam
field-other = { $name }

## Een bericht dat niet klopt

invalid-decode = het bericht is onleesbaar: { $reason }
invalid-wrong-network = het bericht hoort bij netwerk '{ $found }', deze node zit op netwerk '{ $expected }'
invalid-header-too-large = de ondertekende gegevens zijn { $len } bytes, meer dan de grens van { $limit }
invalid-body-too-large = de inhoud is { $len } bytes, meer dan de grens van { $limit } (64 KiB); maak de tekst korter
invalid-body-length = de inhoud is { $actual } bytes, maar de ondertekende gegevens zeggen { $declared }
invalid-body-hash = de inhoud past niet bij de ondertekende gegevens: hij is na het ondertekenen veranderd
invalid-author-key = de auteur { $key } is geen geldige sleutel
invalid-signature = de handtekening klopt niet: de ondertekende gegevens of de handtekening zijn veranderd, of met een andere sleutel gezet
invalid-in-future = het bericht is { $minutes } minuten in de toekomst gedateerd (hooguit 10 minuten mag); kijk of de klok van de afzender goed staat
invalid-empty-title = de titel is leeg
invalid-title-too-long = de titel is { $chars } tekens, meer dan de grens van { $limit }
invalid-too-many-labels = { $what }: { $count } stuks, meer dan de grens van { $limit }
invalid-bad-label = { $what }: '{ $value }' is leeg of langer dan { $limit } tekens
invalid-too-many-refs = { $count } verwijzingen, meer dan de grens van { $limit }
invalid-answer-needs-question = een antwoord moet naar precies één vraag verwijzen
invalid-reaction-needs-entry = een reactie moet naar precies één bericht verwijzen
invalid-retraction-needs-entry = een intrekking moet naar precies één bericht verwijzen
invalid-unexpected-ref = { $kind } kan niet { $rel }
invalid-fields-do-not-match = de velden van de inhoud passen niet bij { $kind }
invalid-empty-field = { $field } is leeg
invalid-endorse-own-key = een organisatie kan niet voor haar eigen sleutel instaan
invalid-rotate-to-own-key = een organisatie kan niet naar haar eigen sleutel overstappen
invalid-control-outside-national = { $kind } hoort in de landelijke ruimte 'nl' (gevonden: '{ $space }'): elke node moet het krijgen
invalid-no-rotation-consent = de nieuwe sleutel van deze sleutelwissel heeft niet ondertekend dat hij ermee instemt
invalid-id-mismatch = de ondertekende gegevens passen niet bij het kenmerk waaronder het bericht bewaard is
invalid-text-not-allowed = { $kind } heeft geen tekst, trefwoorden of thema's
invalid-history-of-own-key = een sleutelgeschiedenis noemt berichten van een eerdere sleutel, niet van de sleutel die haar ondertekent
invalid-history = een sleutelgeschiedenis noemt 1 tot { $limit } berichten, op volgorde en elk één keer (deze noemt er { $count })
rel-answers = een vraag beantwoorden
rel-reacts-to = op een bericht reageren
rel-retracts = een bericht intrekken
rel-supersedes = een eerdere versie vervangen

## Onleesbare gegevens

decode-empty = er is niets ontvangen
decode-too-large = { $len } bytes is meer dan de grens van { $limit } bytes
decode-unknown-version = opmaakversie { $version } is onbekend (deze versie van wiel leest versie { $known }); werk wiel bij
decode-unknown-kind = een bericht van soort { $code }, die deze versie van wiel niet kent (een nieuwere versie maakte het); werk wiel bij
decode-malformed = verminkt of afgebroken ({ $detail })
decode-trailing-bytes = { $count } onverwachte bytes na het einde
decode-non-canonical = niet in de vaste vorm opgeschreven
encode-failed = kan niet worden opgeschreven: { $detail }
key-unreadable = de sleutel is onleesbaar: { $detail }
key-not-ed25519 = de sleutel is geen ed25519-sleutel
name-unconfirmed = { $name } (onbevestigd, sleutel { $key })
name-invalid = { $what } '{ $value }' is ongeldig: gebruik 1 tot { $max } tekens a-z, 0-9 en '-', te beginnen met een letter
name-bad-cbs-code = CBS-code '{ $code }' is ongeldig: verwacht GM en vier cijfers, zoals GM0193
hex-length = verwacht { $expected } hexadecimale tekens, gekregen { $found }
hex-not-hex = '{ $value }' is niet hexadecimaal (gebruik 0-9 en a-f)
unknown-kind = onbekende soort '{ $kind }'; de soorten zijn: { $known }

## Persoonsgegevens

finding-bsn = BSN
finding-iban = IBAN
finding-birth-date = geboortedatum
finding-phone = telefoonnummer
finding-email = e-mailadres
finding-address = postcode en huisnummer
finding = { $kind } { $excerpt } in { $field } op regel { $line }, kolom { $column }

## Geweigerd door de regels van de opslag

rejection-not-author-retract = alleen de auteur van bericht { $id } kan het intrekken
rejection-not-author-edit = alleen de auteur van bericht { $id } kan er een nieuwe versie van maken
rejection-version-kind = bericht { $id } is een { $found }: een nieuwe versie moet ook een { $found } zijn, geen { $expected }
rejection-not-a-question = bericht { $id } is een { $found }, geen vraag: alleen vragen kunnen worden beantwoord
rejection-not-retractable = bericht { $id } is een { $found } en kan niet worden ingetrokken of bewerkt
rejection-not-reactable = bericht { $id } is een { $found }: reageren kan alleen op goede voorbeelden, praktijkverhalen, vragen en antwoorden
rejection-not-an-answer = bericht { $id } is een { $found }, geen antwoord: alleen antwoorden kunnen worden geaccepteerd
rejection-not-the-asker = alleen de organisatie die vraag { $id } stelde, kan er een antwoord op accepteren
rejection-acceptance-from-the-future = vraag { $question } heeft al een acceptatie (van antwoord { $accepted }) die ongeveer { $minutes } minuten voorloopt op de klok van deze computer: een nieuwe zou niet tellen, want de laatste telt; controleer de klok van deze computer

## De opslag

store-locked = de opslag in { $path } is in gebruik bij een ander wiel-proces (draait `wiel node`?); stop dat, of laat de draaiende node dit doen
store-open = kan de opslag in { $path } niet openen: { $detail }
store-io = lezen of schrijven in de opslag mislukte: { $detail }
store-log = het berichtenlogboek { $path }: { $detail }
store-aborted = een schrijfactie in de opslag is afgebroken; er is niets van bewaard
store-corrupt = bewaard bericht { $id } is beschadigd: { $detail }; `wiel check` haalt het opnieuw op bij een andere node
store-newer-format = de opslag in { $path } is geschreven door een nieuwere wiel (vorm { $found }; deze wiel kent tot { $known }); er is niets aan veranderd: werk wiel bij
search-index = de zoekindex in { $path }: { $detail }
synonyms-not-one-word = synoniemengroep { $group }: '{ $word }' is niet één woord (schrijf elk woord los, zonder spaties, streepjes of apostrofs)
synonyms-stop-word = synoniemengroep { $group }: '{ $word }' is een woord dat zoeken overslaat (een stopwoord), dus het kan niet voor een ander staan
synonyms-too-few = synoniemengroep { $group } heeft minder dan twee verschillende woorden
synonyms-bad-abbreviation = synoniemengroep { $group }: schrijf een afkorting als `pgb = persoonsgebonden budget`: één woord, '=', dan de woorden waar het voor staat

## De node

as-given = { $text }
already-initialised = in { $dir } staat al een wiel-node (de sleutel blijft bewaard)
entry-invalid = het bericht is ongeldig: { $reason }
entry-refused = { $reason }
no-such-entry = geen bericht heeft een kenmerk dat begint met '{ $prefix }' (`wiel list` en `wiel search` tonen de kenmerken)
ambiguous-id = '{ $prefix }' past bij meer berichten ({ $candidates }); geef meer tekens
bad-id-prefix = '{ $prefix }' is geen kenmerk van een bericht: gebruik minstens { $min } hexadecimale tekens (0-9, a-f)
bad-limit = het aantal mag hooguit { $max } zijn (gegeven: { $limit })
no-such-organisation = geen bekende organisatie past bij '{ $query }': geef een CBS-code zoals GM0193, een naam of een sleutel (van een organisatie waarvan hier nog geen profiel is, werkt alleen haar sleutel)
ambiguous-organisation = { $count } organisaties noemen zich '{ $query }' (een naam of code kan iedereen opgeven) en niet precies één daarvan wordt hier vertrouwd: { $names }; geef de sleutel van de organisatie die u bedoelt
organisation-candidate = { $name }, sleutel { $key } ({ $standing })
candidate-trusted = vertrouwd
candidate-untrusted = niet vertrouwd
candidates-more = en nog { $count }
not-editable = { $kind } kan niet worden bewerkt; trek het bericht in en maak een nieuw bericht
entry-retracted = bericht { $id } is door de auteur ingetrokken
organisation-unknown = van organisatie { $key } is hier geen profiel bekend
not-own-key = sleutel { $key } is niet van deze organisatie: trek alleen de huidige sleutel in, of een sleutel waar zij van is overgestapt
own-key-revoked = uw sleutel { $key } is ingetrokken (vanaf { $since }): wat ermee ondertekend wordt, telt niet meer
space-change = een nieuwe versie blijft in de ruimte van het bericht ('{ $from }'), niet '{ $to }': publiceer daar een nieuw bericht
unknown-theme = onbekend thema '{ $theme }': kies uit { $known }
unfollowed-space = deze node volgt ruimte '{ $space }' niet (wel: { $followed }): controleer de spelling
own-profile = { $id } is het profiel van uw organisatie en kan niet worden ingetrokken: zonder profiel kan een ander hier onder uw naam verschijnen
no-organisation-name = de naam van de organisatie is leeg: geef hem met --name, bijvoorbeeld --name "Gemeente Zwolle"
not-publishable = een { $kind } publiceert u niet zo: wiel publish neemt goede voorbeelden, praktijkverhalen en vragen (antwoorden en reacties met wiel answer en wiel react; aanbevelen, sleutels en intrekken hebben hun eigen opdracht)
own-organisation = dit is uw eigen organisatie: die wordt hier altijd vertrouwd
not-a-root = { $key } wordt hier niet rechtstreeks vertrouwd, dus er valt niets weg te halen (misschien wel via aanbevelingen)
already-endorsed = deze organisatie staat al in voor { $organisation } (sleutel { $key }, aanbeveling { $id }): er is niets veranderd
endorsed = Deze organisatie staat nu in voor { $organisation }, sleutel { $key } (aanbeveling { $id }). Wie haar vertrouwt, vertrouwt nu ook die organisatie.
not-endorsed = deze organisatie heeft niet voor { $key } ingestaan
personal-data-confirm = het bericht bevat misschien persoonsgegevens van een burger: { $found }; controleer het en bevestig dan dat het toch gepubliceerd mag worden
personal-data-blocked = het bericht bevat persoonsgegevens van een burger: { $found }; haal die weg (zoiets wordt nooit gepubliceerd)
line-malformed = regel { $line }: geen wiel-bericht (geen regel zoals `wiel export` die schrijft; is het bestand afgebroken of van iets anders?)
line-invalid = regel { $line }: { $reason }
line-id-mismatch = regel { $line }: het kenmerk { $claimed } past niet bij de inhoud (dat is { $actual })
line-cut = regel { $line }: het bestand is onvolledig of veranderd: de laatste regel noemt { $expected } berichten, maar er kwamen er { $found } voor
line-changed = regel { $line }: het bestand is veranderd: de laatste regel noemt andere berichten dan de { $count } die ervoor kwamen
line-after-trailer = regel { $line }: het bestand gaat door na de laatste regel (de afsluiting)
sync-malformed = onleesbaar bijwerkbericht: { $detail }
sync-out-of-order = bijwerkantwoord in de verkeerde volgorde: verwacht vanaf { $expected }, gekregen { $got }
sync-inconsistent = tegenstrijdig bijwerkantwoord: een kenmerk kwam twee keer voor
sync-fingerprint-mismatch = de gevonden verschillen passen niet bij het controlegetal van de andere node
sync-did-not-converge = bijwerken kwam na { $count } stappen niet tot een einde
not-initialised = geen wiel-node in { $dir }
data-dir-not-writable = kan niet schrijven in de gegevensmap { $dir }: { $detail }
file-error = { $path }: { $detail }
config-unknown-key = { $path }, regel { $line }: '{ $key }' kent wiel hier niet; wel: { $known }
config-syntax = { $path }, regel { $line }: dit is geen geldige instelling ({ $detail })
config-invalid = { $path }: ongeldige instellingen: { $detail }
config-synonyms = { $path }: ongeldige instellingen: [search] synonyms: { $reason }
key-file-unusable = { $path }: onbruikbaar sleutelbestand: { $detail }
api-not-local = de lokale API en de meetgegevens mogen alleen op 127.0.0.1 luisteren, niet op { $addr }
api-cannot-listen = kan de lokale API niet openen op { $addr }: { $detail }
network-setup = kan het netwerk niet opzetten: { $detail }
network-cannot-listen = kan niet luisteren op { $addr }: { $detail }
network-stopped = het netwerk wordt afgesloten
network-cannot-dial = kan { $addr } niet bereiken: { $reason }
network-not-connected = niet verbonden met node { $peer }; verbind eerst met `wiel connect ADRES`
network-no-peers = geen andere nodes om mee bij te werken: deze node is met geen enkele andere verbonden
api-unreachable = kan de draaiende node niet bereiken: { $detail }
api-status = de node antwoordde met status { $status }
api-unreadable = het antwoord van de node is onleesbaar: { $detail }
no-node = er draait geen node op deze gegevensmap
node-silent = er draait een node op deze gegevensmap (proces { $pid }), maar zijn lokale API op { $address } antwoordt niet: hij is overbelast of loopt vast; kijk in zijn logboek, of herstart hem

## Opdrachten

demo-no-data-dir = --data-dir hoort niet bij `wiel demo`: de demo maakt eigen nodes (bewaar ze met --keep MAP)
journald-unavailable = het systemd-journaal is niet te bereiken ({ $detail }); het logboek gaat naar stderr
node-no-json = --json hoort niet bij `wiel node`: die schrijft zijn logboek naar stderr; vraag een draaiende node met `wiel --json status`
export-no-json = --json hoort niet bij `wiel export`: de standaardvorm is al JSON-regels (--format jsonl)
completions-no-json = --json hoort niet bij `wiel completions`: dat schrijft een script voor de shell
tool-no-data-dir = --data-dir hoort niet bij `wiel completions` en `wiel manual`: die gebruiken geen node
bad-trust-mode = onbekende vertrouwensstand '{ $mode }': kies open, web-of-trust of closed
init-done = Node ingericht voor { $name } in { $dir }.
    Sleutel van de organisatie: { $key }
    Bewaar het bestand { $key_file } goed: het is de handtekening van uw gemeente.
confirm-with-yes = { $question } Voeg --yes toe om te bevestigen; er is niets gedaan
yes-no = [j/N]
nothing-done = er is niets gedaan
nothing-published = er is niets gepubliceerd
personal-data-use-yes = { $message } met --yes
personal-data-heading = Het bericht bevat misschien persoonsgegevens van een burger:
publish-anyway = Toch publiceren?
the-entry = het bericht
cannot-publish = kan { $source } niet publiceren
question-empty = de vraag is leeg: zet haar tussen aanhalingstekens, bijvoorbeeld wiel ask "Wie heeft een goed verzuimbeleid?"
retracted = { $id } ingetrokken ({ $count ->
        [one] 1 versie
       *[other] { $count } versies
    }): de tekst is gewist, hier en op elke node die de intrekking ontvangt.
retraction-reason-erased = De reden van intrekking { $id } is gewist, hier en op elke node die dit ontvangt. Wat zij introk, blijft ingetrokken.
list-empty = Geen berichten gevonden.
search-not-this-kind = zoeken vindt goede voorbeelden, praktijkverhalen, vragen en antwoorden, niet { $kind }: gebruik `wiel list --kind { $code }`
questions-none-open = Geen open vragen: elke vraag heeft een geaccepteerd antwoord.
questions-none = Geen vragen.
check-damaged = beschadigd: { $id } — { $detail }
check-done = { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } gecontroleerd: { $damaged ->
        [0] geen beschadigd.
        [one] 1 beschadigd, uit de opslag gehaald; een draaiende node haalt het opnieuw op bij andere nodes.
       *[other] { $damaged } beschadigd, uit de opslag gehaald; een draaiende node haalt ze opnieuw op bij andere nodes.
    }
check-failed = { $count ->
        [one] 1 beschadigd bericht gevonden en apart gezet
       *[other] { $count } beschadigde berichten gevonden en apart gezet
    }
compact-done = Berichtenlogboek ingekort: { $before } → { $after } ({ $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } bewaard).
reindex-done = Zoekindex opnieuw gebouwd: { $documents } doorzoekbaar (van { $entries } bewaard), { $seconds } s, { $size } op schijf.
import-nothing = { $file }: er is niets ingelezen
import-empty-file = let op: { $file } bevat geen berichten: is het het goede bestand?
import-cut-file = let op: { $file } eindigt niet met de laatste regel die `wiel export` schrijft: het is misschien afgebroken. Wat erin staat, is gecontroleerd en ingelezen; lees het hele bestand opnieuw in zodra u het hebt.
import-done = Ingelezen uit { $file }: { $stored } nieuw, { $already } al aanwezig, { $retracted } ingetrokken (daarvan is alleen bewaard wie het schreef en wanneer).
import-kept-apart = { $count ->
        [one] 1 nieuw bericht wordt apart gehouden: niet getoond en niet doorgegeven, want deze node vertrouwt niet wie het ondertekende (bekijk het met `wiel list --untrusted`):
       *[other] { $count } nieuwe berichten worden apart gehouden: niet getoond en niet doorgegeven, want deze node vertrouwt niet wie ze ondertekende (bekijk ze met `wiel list --untrusted`):
    }
import-kept-apart-author = { $organisation }: { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } — om haar te vertrouwen: wiel trust add { $key }
import-kept-apart-revoked = { $organisation }: { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } ondertekend met sleutel { $key }, die is ingetrokken: ze tellen niet mee (zie `wiel trust list`)
import-incomplete = { $count ->
        [one] 1 regel bevatte
       *[other] { $count } regels bevatten
    } alleen wie het schreef en wanneer, zonder de tekst, en geen intrekking hier verklaart dat: niet bewaard.
refused-kept-apart-full = de ruimte voor berichten van organisaties die deze node niet vertrouwt, is vol ([trust] max_kept_apart_bytes)
refused-too-many-profiles = deze node bewaart geen profielen meer van organisaties die hier niemand vertrouwt ([trust] max_untrusted_profiles)
refused-untrusted = deze node neemt alleen berichten van zijn vertrouwde organisaties aan (vertrouwensstand closed)
refused-in-future = ze zijn meer dan 10 minuten later gedateerd dan de klok van deze computer aangeeft; een van beide klokken loopt verkeerd (lees het bestand opnieuw in als die tijd voorbij is, of zet de klok goed)
import-not-taken = { $count ->
        [one] 1 bericht is
       *[other] { $count } berichten zijn
    } niet aangenomen: { $why }.
endorsement-withdrawn = Aanbeveling van { $organisation } ingetrokken ({ $count ->
        [one] 1 intrekking
       *[other] { $count } intrekkingen
    }).
trust-added = Nu rechtstreeks vertrouwd: { $name }, sleutel { $key }.
trust-already = '{ $organisation }' wordt al rechtstreeks vertrouwd; er is niets veranderd.
trust-removed = Niet langer rechtstreeks vertrouwd: { $name }, sleutel { $key }.
connected = Verbonden met { $address }.
not-through-a-node = deze opdracht loopt niet via een node
no-home-directory = kan geen thuismap voor de gegevens vinden: geef --data-dir of zet WIEL_DATA_DIR
published = { $kind } { $id } gepubliceerd in ruimte { $space }. Bekijk het met: wiel show { $id }
bad-time = { $flag } '{ $value }' is geen datum zoals 2026-11-01 en geen leeftijd zoals 7d, 2w of 12h

## Berichten tonen

unknown = onbekend
unknown-organisation-key = onbekende organisatie { $key }
trust-not-trusted = niet vertrouwd
trust-trusted = vertrouwd
trust-trusted-via = vertrouwd via { $names }
trust-unknown = vertrouwen onbekend
title-retracted = [ingetrokken]
title-answer-to = Antwoord op: { $question }
title-answer-to-unknown = Antwoord op een vraag die is ingetrokken of hier onbekend is
title-reaction = reactie: { $verdict }
title-endorsement = instaan voor een organisatie
title-key-rotation = overstap naar een nieuwe sleutel
title-revocation = intrekking van een sleutel
title-key-history = geschiedenis van een sleutel
list-more = De nieuwste { $shown } van { $total } getoond. Toon meer met --limit { $limit }.
list-more-than = De nieuwste { $shown } getoond, van meer dan { $counted }. Toon meer met --limit { $limit }, of zoek nauwkeuriger (--kind, --author, --since).
list-untrusted-hidden = { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; bekijk ze met --untrusted.
list-waiting-hidden = { $count ->
        [one] 1 bericht wacht
       *[other] { $count } berichten wachten
    } op het bericht waar ze naar verwijzen (bijvoorbeeld een antwoord op een vraag die hier nog niet is), niet getoond; `wiel sync` haalt het op.
list-untrusted-hidden-at-least = Minstens { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; bekijk ze met --untrusted.
search-replaced = "{ $typed }" komt nergens voor; bedoelde u "{ $searched }"? Daarop is gezocht.
search-ignored = Niet op gezocht, te algemeen: { $words }. Zoek op woorden die zeggen waar het over gaat.
search-also = Ook gezocht op: { $words }.
search-unknown-among-trusted = Komt niet voor in berichten van organisaties die deze node vertrouwt: { $words }.
search-unknown = Komt nergens voor: { $words }.
search-nothing = Niets gevonden.
search-untrusted-hidden = { $count ->
        [one] 1 treffer
       *[other] { $count } treffers
    } van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; zoek ook daarin met --untrusted.
search-untrusted-hidden-at-least = Minstens { $count } treffers van organisaties die deze node niet vertrouwt (of met een ingetrokken sleutel ondertekend), niet getoond; zoek ook daarin met --untrusted.
search-more = De beste { $shown } van { $total } getoond. Toon meer met --limit { $limit }.
export-answers = antwoord op "{ $title }" ({ $id })
export-answers-gone = antwoord op vraag { $id }, die hier niet (meer) te lezen is
label-answered = beantwoord
label-id = kenmerk { $id }
label-tags = trefwoorden
label-themes = thema's
label-contact = contact
label-answers = beantwoordt
label-reacts-to = reageert op
label-retracts = trekt in
label-supersedes = vervangt
label-key = sleutel
label-verdict = oordeel
label-spaces = ruimtes
story-situation = Situatie
story-approach = Aanpak
story-result = Resultaat
story-lessons = Lessen
show-personal-data = Let op: dit bericht bevat persoonsgegevens van een burger ({ $found }). Deel het niet verder en vraag de auteur het in te trekken.
show-retracted = Ingetrokken door de auteur (intrekking { $id }): de inhoud is gewist, alleen wie het schreef en wanneer is bewaard.
show-newer-version = Er is een nieuwere versie: wiel show { $id }
show-endorsement = staat in voor: { $name } ({ $code }), sleutel { $key }
show-key-rotation = nieuwe sleutel: { $new_key }
    (de oude sleutel { $old_key } ondertekent niet meer voor deze organisatie)
show-revocation = ingetrokken sleutel: { $key }
    wat die sleutel vanaf { $since } ondertekende, telt nergens meer
show-key-history = noemt { $count } berichten die sleutel { $key } ondertekende
    (is die sleutel ingetrokken, dan tellen precies deze berichten van haar, welke datum er ook op staat)
show-retraction = trekt in: { $id } (de tekst daarvan is gewist)
show-versions = Versie { $position } van { $count } (oudste eerst: { $ids }).
show-answers = Antwoorden ({ $count }):
show-reactions = Reacties van organisaties ({ $summary }; de laatste van elke organisatie telt):
show-untrusted-reactions = { $count ->
        [one] 1 reactie
       *[other] { $count } reacties
    } van organisaties die deze node niet vertrouwt: niet getoond en niet meegeteld (bekijk ze met `wiel list --untrusted --kind reactie`).

## De node zelf

peers-none = Geen verbonden nodes.
status-organisation = { $name } (netwerk { $network })
status-key = sleutel van de organisatie: { $key }
status-not-running = node: draait niet (start hem met `wiel node`)
status-running = node: draait als { $peer_id }
status-listening = bereikbaar op { $address }
status-peers = verbonden nodes: { $count }
status-reach-public = bereikbaar van buiten op { $address }
status-reach-relayed = van buiten bereikbaar via { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }
status-reach-private = van buiten niet bereikbaar (NAT of firewall) en geen relay: zie `wiel doctor`
status-reach-unknown = bereikbaarheid van buiten: nog niet getest
status-outbox = wacht op verzending: { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } (nog geen andere node volgt die ruimte)
status-entries = berichten: { $count }
status-kept-apart = apart gehouden (van organisaties die hier niet vertrouwd worden of waarvan de sleutel is ingetrokken): { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    }, { $size } van hooguit { $limit }
status-search-building = zoekindex: wordt gebouwd
status-search-ready = zoekindex: { $count } doorzoekbaar, bijgewerkt
status-search-waiting = zoekindex: { $count } doorzoekbaar, { $waiting } nog op te nemen
status-fingerprint = controlegetal { $fingerprint }
status-space-kept-apart = (+{ $count } apart gehouden: niet vertrouwd)
status-last-sync = laatst bijgewerkt { $at } met { $peer }: { $missing } ontbraken hier, { $stored } bewaard
status-received = uit het netwerk: { $received } ontvangen, { $stored } bewaard
status-received-last = uit het netwerk: { $received } ontvangen, { $stored } bewaard, laatste op { $at }
status-refused = geweigerd ({ $reason }): { $count }
sync-rate = { $rate } per seconde
sync-took-little = in minder dan 0,1 s
sync-took = in { $seconds } s
sync-done = Bijgewerkt { $took } met { $peers ->
        [one] 1 node
       *[other] { $peers } nodes
    }, { $sessions ->
        [one] 1 ruimte vergeleken
       *[other] { $sessions } keer een ruimte vergeleken
    }.
sync-counts = ontbraken hier: { $missing }; opgehaald { $fetched }, bewaard { $stored }{ $rate }, al aanwezig { $already }, geweigerd { $refused }
sync-not-served = niet geleverd door de node die zei ze te hebben: { $count }
sync-offered = aangeboden aan nodes die ze misten: { $count }
sync-problem = probleem: { $problem }
trust-mode-open = open (alles aangenomen en doorgegeven; niet vertrouwde berichten gemarkeerd)
trust-mode-web-of-trust = web-of-trust (niet vertrouwde berichten apart gehouden, niet doorgegeven, te zien met --untrusted)
trust-mode-closed = closed (alleen rechtstreeks vertrouwde organisaties)
trust-mode = stand: { $mode }
trust-depth = diepte: { $depth ->
        [one] 1 stap
       *[other] { $depth } stappen
    } van aanbevelingen vanaf een rechtstreeks vertrouwde organisatie
trust-members = vertrouwde organisaties:
trust-earlier-keys = eerdere sleutels: { $keys }
trust-direct = rechtstreeks
trust-revoked = ingetrokken: { $organisation } { $key } sinds { $since }
trust-compromised = gestolen: { $organisation } { $key } stapte over naar twee verschillende sleutels: iemand anders dan de eigenaar heeft hem; niemand erft het vertrouwen ervan (beveel de nieuwe sleutel van de eigenaar opnieuw aan)

## Invoer, bestanden en sleutels

cannot-read-stdin = kan de invoer (stdin) niet lezen
cannot-read-file = kan { $file } niet lezen
cannot-write-file = kan { $file } niet schrijven
editor-no-temp-file = kan geen tijdelijk bestand voor de editor maken
editor-cannot-start = kan de editor '{ $editor }' niet starten
editor-failed = de editor '{ $editor }' stopte met een fout; er is niets gepubliceerd
editor-cannot-read-back = kan het bewerkte bestand niet teruglezen
editor-template-text = Beschrijf hier uw goede voorbeeld.
the-editor = de editor
publish-no-kind = geen soort gegeven: zet 'kind: practice' (of story, question) in het gegevensblok bovenaan, of gebruik --kind
publish-wrong-kind = publish maakt een goed voorbeeld, praktijkverhaal of vraag; voor { $kind } gebruikt u `wiel { $command }`
publish-no-title = de titel is leeg: zet 'title: …' in het gegevensblok bovenaan, of gebruik --title
accept-not-an-answer = { $id } is een { $kind }, geen antwoord: alleen een antwoord kan worden geaccepteerd
accept-no-question = antwoord { $id } noemt geen vraag
accept-already = antwoord { $id } is al geaccepteerd
accept-question-unknown = deze node heeft vraag { $id } nog niet; probeer het opnieuw na `wiel sync`
accepted = Geaccepteerd: het antwoord { $id } van { $organisation } staat nu aangemerkt als het antwoord dat hielp bij "{ $title }".
accepted-instead = Geaccepteerd: het antwoord { $id } van { $organisation } staat nu aangemerkt als het antwoord dat hielp bij "{ $title }" (in plaats van { $before }).
edit-older-version = { $id } is een oudere versie: de nieuwe versie volgt op de nieuwste, { $latest }.
edit-kind-changed = een nieuwe versie blijft { $kind }; in het gegevensblok staat nu kind: { $found }
edit-nothing-changed = Er is niets veranderd; er is geen nieuwe versie gepubliceerd.
front-matter-not-closed = het gegevensblok bovenaan (vanaf de regel '---' op regel 1) heeft geen afsluitende regel '---'
front-matter = het gegevensblok
at-line-column = regel { $line }, kolom { $column }
front-matter-invalid = het gegevensblok bovenaan klopt niet op { $place }: { $detail }
front-matter-unknown-key = '{ $key }' kent wiel niet; wel: { $known }
front-matter-wrong-type = hier hoort tekst of een lijst zoals [a, b]
front-matter-syntax = schrijf elke regel als 'naam: waarde'; begint een waarde met een teken als [ of {"{"}, zet hem dan tussen aanhalingstekens
front-matter-unwritable = kan het gegevensblok niet opschrijven
story-fields-not-a-story = situation, approach, result en lessons horen bij een praktijkverhaal, niet bij { $kind }
exported = { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } geëxporteerd naar { $file }.
sync-progress-fetched = berichten opgehaald
sync-progress-comparing = vergelijken
sync-progress-stored = { $count } bewaard
sync-with-problems = bijwerken eindigde met { $count ->
        [one] 1 probleem
       *[other] { $count } problemen
    }; wat wel aankwam, is bewaard
rotate-node-running = er draait een node op deze gegevensmap: stop die eerst (zijn sleutel is zijn identiteit in het netwerk) en voer dit dan opnieuw uit
rotated-from-elsewhere = Let op: { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    } met een eerdere sleutel kwam van elders, niet van deze node (ondertekend na de reservekopie die hier werd teruggezet, of door iemand anders met die sleutel), en { $count ->
        [one] is
       *[other] zijn
    } niet genoemd: trekt u die sleutel in, dan telt het niet meer. Bekijk ze met wiel list --author { $old } --untrusted; publiceer opnieuw wat van u is.
rotated = Deze organisatie ondertekent nu met sleutel { $new } (was { $old }).
    De oude sleutel is bewaard als key.old.* in { $dir }; start de node om het netwerk in te lichten.
    De nieuwe sleutel legt vast welke { $named } berichten deze node met eerdere sleutels ondertekende: trekt u een oude sleutel in, dan tellen precies die nog, welke datum er ook op staat (ook iemand die de oude sleutel heeft, voegt er niets aan toe).
revoke-which-key = noem de sleutel die u wilt intrekken (hexadecimaal), of gebruik --current voor de sleutel waarmee deze node nu ondertekent
revoke-confirm = Sleutel { $key } intrekken vanaf { $since }? Wat die vanaf dan ondertekent, telt op geen enkele node meer; dit kan niet ongedaan worden gemaakt.
revoked = Sleutel { $key } is ingetrokken vanaf { $since } (bericht { $id }). Elke node negeert wat hij vanaf dan ondertekent; wat hij daarvoor ondertekende blijft gelden (na een sleutelwissel: precies de berichten die de nieuwe sleutel als zijn geschiedenis vastlegde).
not-a-key = '{ $given }' is geen sleutel: { $reason }
not-a-key-prefix = '{ $given }' is geen sleutel: geef hem helemaal, of de eerste 8 of meer hexadecimale tekens
no-such-key = geen bekende sleutel begint met '{ $given }'
ambiguous-key = '{ $given }' is het begin van { $count } sleutels ({ $keys }): geef meer tekens
not-an-address = { $what } '{ $address }' is geen netwerkadres zoals /ip4/127.0.0.1/tcp/4001
listen-address = luisteradres
bootstrap-address = startadres
node-already-running = er draait al een node op { $dir }; stop die eerst (Ctrl-C of SIGTERM)
no-runtime = kan de node niet starten (geen async runtime)
node-running = wiel-node van { $organisation } draait (ruimtes: { $spaces }; lokale API op { $api }).
node-connect-with = andere nodes verbinden met: wiel connect { $address }
node-stop-with = Stop hem met Ctrl-C.
node-stopped = wiel-node gestopt.
node-peer-joined = Verbonden met { $peer }.
node-peer-left = Niet meer verbonden met { $peer }.
node-peer-named = { $organisation } (peer { $peer })
node-peer-unnamed = een onbekende organisatie (peer { $peer })
node-peers-connected = { $count ->
        [one] Nu met 1 node verbonden.
       *[other] Nu met { $count } nodes verbonden.
    }
unknown-organisation = onbekende organisatie

## De demo

demo-no-program = kan het programma wiel zelf niet vinden
demo-cannot-start = kan geen demo-node starten
demo-node-stopped = de demo-node van { $name } stopte meteen ({ $status })
demo-node-slow = de demo-node van { $name } startte niet binnen 30 s
demo-no-network = de demo-node meldt geen netwerkadres
demo-not-received = { $name } ontving { $id } niet binnen 30 s
demo-no-temp-dir = kan geen tijdelijke map voor de demo maken
demo-not-connected = de demo-nodes raakten niet binnen 30 s met elkaar verbonden
demo-intro = wiel demo: drie gemeentelijke nodes op deze computer (netwerk "wiel-demo"), in een rij:
demo-samples = Elke node heeft dezelfde { $count } voorbeeldberichten.
demo-on-node = (op de node van { $name })
demo-asks = { $name } vraagt: "{ $question }"
demo-gossiped = doorgegeven aan { $first } in { $first_ms } ms, en via Kampen aan { $second } in { $second_ms } ms
demo-answered = { $answerer } antwoordt: terug bij { $asker } in { $ms } ms; { $asker } accepteert het antwoord
demo-kept = De nodes zijn gestopt; hun gegevens staan in { $dir }. Start er weer een met: wiel --data-dir { $node_dir } node
demo-removed = De demo-nodes zijn gestopt en verwijderd. Bewaar ze met: wiel demo --keep MAP

## Hulptekst

-themes = dienstverlening, duurzaamheid, financien, gezondheid, hrm, inburgering, informatievoorziening, inkoop, jeugdwet, omgevingswet, onderwijs, participatiewet, schuldhulp, veiligheid, wmo, wonen
help-flag = Toon deze hulp
version-flag = Toon de versie
heading-usage = Gebruik
heading-commands = Opdrachten
heading-options = Opties
heading-arguments = Gegevens
value-command = OPDRACHT
usage-did-you-mean = (bedoelde u '{ $suggestion }'?)
usage-unknown-argument = onbekende optie '{ $argument }'
usage-unknown-command = onbekende opdracht '{ $command }'
usage-missing = { $count ->
        [one] '{ $argument }' ontbreekt
       *[other] '{ $argument }' ontbreken
    }
usage-missing-command = geef een opdracht
usage-invalid-value = '{ $value }' is geen geldige waarde voor { $argument } (kies uit: { $valid })
usage-invalid-value-because = '{ $value }' is geen geldige waarde voor { $argument }: { $reason }
usage-conflict = { $argument } gaat niet samen met { $other }
usage-wrong-number = verkeerd aantal waarden voor { $argument }
usage-no-equals = geef de waarde van { $argument } met '=', bijvoorbeeld { $argument }=WAARDE
usage-not-utf8 = een gegeven is geen geldige tekst (UTF-8)
usage-see-help = zie wiel --help, of wiel OPDRACHT --help

## Opdrachten en opties

cmd-wiel = wiel: deel goede voorbeelden, praktijkverhalen, vragen en antwoorden tussen Nederlandse gemeenten, rechtstreeks van node tot node. "Samen het wiel uitvinden."
arg-wiel-data-dir = Waar deze node zijn sleutel, instellingen en berichten bewaart. Standaard: $WIEL_DATA_DIR, anders de gegevensmap van de gebruiker (~/.local/share/wiel)
arg-wiel-json = Schrijf JSON voor scripts naar stdout in plaats van tekst
cmd-wiel-init = Richt de node van deze gemeente in: maak haar sleutel, instellingen en ondertekend profiel
cmd-wiel-init-long = Voorbeeld: wiel init --name "Gemeente Zwolle" --code GM0193 --space pv23
arg-wiel-init-name = De naam van de organisatie, bijvoorbeeld "Gemeente Zwolle"
arg-wiel-init-code = De CBS-code van de gemeente, bijvoorbeeld GM0193
arg-wiel-init-province = Provincie, bijvoorbeeld Overijssel
arg-wiel-init-spaces = Ruimtes om te volgen (herhaal de optie); in de eerste komen nieuwe berichten. Standaard: nl (landelijk)
arg-wiel-init-network = Netwerknaam. Alleen voor testnetwerken; het echte netwerk heet "wiel"
arg-wiel-init-trust-mode = Wat te doen met berichten van organisaties die niet vertrouwd worden: open (aannemen en doorgeven, gemarkeerd als niet vertrouwd), web-of-trust (apart houden, nooit doorgeven, alleen te zien met --untrusted) of closed (alleen rechtstreeks vertrouwde organisaties)
cmd-wiel-publish = Publiceer een bericht uit een Markdown-bestand met een gegevensblok bovenaan (of uit stdin of $EDITOR)
cmd-wiel-publish-long = Het gegevensblok bovenaan, tussen twee regels '---', noemt de soort (kind: practice, story, question), de titel (title), en naar keuze de ruimte (space), trefwoorden (tags), thema's (themes), contact en, bij een praktijkverhaal, situation, approach, result en lessons. Opties gaan voor het gegevensblok.
arg-wiel-publish-file = Markdown-bestand met een gegevensblok bovenaan; '-' leest stdin. Zonder bestand: stdin als er iets binnenkomt, anders $EDITOR
arg-wiel-publish-kind = goed-voorbeeld (practice), praktijkverhaal (story) of vraag (question)
arg-wiel-publish-title = De titel (gaat voor `title:` in het gegevensblok en voor de eerste regel met `#`)
arg-wiel-publish-space = De ruimte om in te publiceren. Standaard: de eerste ruimte in config.toml
arg-wiel-publish-new-space = Publiceer in een ruimte die deze node niet volgt (anders geweigerd, zodat een tikfout het bericht niet stuurt waar niemand het leest)
arg-wiel-publish-tags = Een trefwoord (herhaal voor meer)
arg-wiel-publish-themes = Een thema (herhaalbaar): { -themes }
arg-wiel-publish-contact = Wie u over dit bericht kunt benaderen (een werkadres)
arg-wiel-publish-yes = Publiceer ook als de privacycontrole vraagt naar mogelijke persoonsgegevens (telefoonnummers, e-mailadressen, geboortedata, adressen, een getal dat een BSN kan zijn). Een BSN naast het woord BSN of burgerservicenummer, en een IBAN, worden nooit gepubliceerd
cmd-wiel-ask = Stel het netwerk een vraag
cmd-wiel-ask-long = Voorbeeld: wiel ask "Hoe contracteren jullie jeugdhulp: lumpsum of p×q?"
arg-wiel-ask-question = De vraag
arg-wiel-ask-text = Meer toelichting (Markdown)
arg-wiel-ask-space = { arg-wiel-publish-space }
arg-wiel-ask-new-space = { arg-wiel-publish-new-space }
arg-wiel-ask-tags = { arg-wiel-publish-tags }
arg-wiel-ask-themes = { arg-wiel-publish-themes }
arg-wiel-ask-yes = { arg-wiel-publish-yes }
cmd-wiel-answer = Beantwoord een vraag
arg-wiel-answer-id = Het kenmerk van de vraag (of de eerste 4 of meer tekens ervan)
arg-wiel-answer-text = Uw antwoord (Markdown)
arg-wiel-answer-yes = { arg-wiel-publish-yes }
cmd-wiel-react = Reageer op een bericht: werkt het, heeft u het toegepast, was het nuttig?
arg-wiel-react-id = Het kenmerk van het bericht (of het begin ervan)
arg-wiel-react-comment = Toelichting (naar keuze)
arg-wiel-react-works = Het werkt
arg-wiel-react-does-not-work = Het werkt niet
arg-wiel-react-applied = Wij hebben het hier toegepast
arg-wiel-react-useful = Het was nuttig
arg-wiel-react-yes = { arg-wiel-publish-yes }
cmd-wiel-retract = Trek een eigen bericht in: de tekst wordt overal gewist, van alle versies
arg-wiel-retract-id = { arg-wiel-react-id }
arg-wiel-retract-reason = Waarom u het intrekt (naar keuze)
cmd-wiel-edit = Publiceer een nieuwe versie van een eigen bericht (opent $EDITOR, tenzij u een BESTAND geeft)
arg-wiel-edit-id = { arg-wiel-react-id }
arg-wiel-edit-file = Markdown met een gegevensblok bovenaan, met daarin de nieuwe versie
arg-wiel-edit-yes = { arg-wiel-publish-yes }
arg-wiel-retract-yes = Trek in, ook al vindt de privacycontrole in de reden iets dat op persoonsgegevens lijkt (een BSN of IBAN gaat nooit mee)
cmd-wiel-list = Toon berichten, nieuwste eerst (alleen de laatste versies, zonder ingetrokken berichten)
arg-wiel-list-kind = Alleen deze soort: goed-voorbeeld (practice), praktijkverhaal (story), vraag (question), antwoord (answer), reactie (reaction), intrekking (retraction), profiel (profile), aanbeveling (endorsement), sleutelwissel (key-rotation), sleutelintrekking (revocation) of sleutelgeschiedenis (key-history). Zonder deze optie laat `list` reacties, intrekkingen, profielen en berichten over vertrouwen weg
arg-wiel-list-space = Alleen deze ruimte
arg-wiel-list-author = Alleen van deze organisatie: CBS-code, naam of sleutel
arg-wiel-list-since = Gemaakt op of na: een datum (2026-11-01) of een leeftijd (7d, 2w, 12h)
arg-wiel-list-until = Gemaakt vóór: een datum (2026-11-01) of een leeftijd (7d, 2w, 12h)
arg-wiel-list-tag = Alleen berichten met dit trefwoord
arg-wiel-list-theme = Alleen berichten met dit thema: { -themes }
arg-wiel-list-limit = Hooguit zoveel berichten
arg-wiel-list-untrusted = Ook berichten van organisaties die deze node niet vertrouwt (in de stand web-of-trust apart gehouden)
arg-wiel-list-all-versions = Ook oudere versies van bewerkte berichten
arg-wiel-list-retracted = Ook ingetrokken berichten (daarvan is alleen over wie ze schreef en wanneer)
cmd-wiel-show = Toon een bericht met zijn versies, antwoorden en reacties
arg-wiel-show-id = { arg-wiel-react-id }
cmd-wiel-search = Zoek in het Nederlands, beste treffers eerst, met de gevonden woorden gemarkeerd
cmd-wiel-search-long = Woordvormen vinden elkaar (gemeente, gemeenten, gemeentes), samenstellingen worden gevonden op hun delen (jeugdhulpaanbieder op "aanbieder"), en een woord dat nergens voorkomt, wordt vervangen door het dichtstbijzijnde woord ("bedoelde u …"). Voorbeeld: wiel search onboarding jeugdconsulenten --theme hrm
arg-wiel-search-words = De woorden om op te zoeken
arg-wiel-search-kind = Alleen deze soort: goed-voorbeeld (practice), praktijkverhaal (story), vraag (question) of antwoord (answer): wat zoeken vindt
arg-wiel-search-space = { arg-wiel-list-space }
arg-wiel-search-author = { arg-wiel-list-author }
arg-wiel-search-since = { arg-wiel-list-since }
arg-wiel-search-until = { arg-wiel-list-until }
arg-wiel-search-tag = { arg-wiel-list-tag }
arg-wiel-search-theme = { arg-wiel-list-theme }
arg-wiel-search-limit = { arg-wiel-list-limit }
arg-wiel-search-untrusted = { arg-wiel-list-untrusted }
cmd-wiel-questions = Toon vragen, nieuwste eerst; met --open alleen vragen zonder geaccepteerd antwoord
arg-wiel-questions-open = Alleen vragen die nog geen geaccepteerd antwoord hebben
arg-wiel-questions-space = { arg-wiel-list-space }
arg-wiel-questions-author = { arg-wiel-list-author }
arg-wiel-questions-since = { arg-wiel-list-since }
arg-wiel-questions-until = { arg-wiel-list-until }
arg-wiel-questions-tag = { arg-wiel-list-tag }
arg-wiel-questions-theme = { arg-wiel-list-theme }
arg-wiel-questions-limit = { arg-wiel-list-limit }
arg-wiel-questions-untrusted = { arg-wiel-list-untrusted }
cmd-wiel-accept = Accepteer een antwoord op een eigen vraag: het wordt aangemerkt als het antwoord dat hielp, in `wiel show`, `wiel search` en op elke node
arg-wiel-accept-id = Het kenmerk van het antwoord (of het begin ervan)
cmd-wiel-reindex = Bouw de zoekindex opnieuw op uit de opslag (na een beschadigde schijf, of ter controle)
cmd-wiel-check = Lees elk bewaard bericht terug en controleer het (ook de handtekening). Beschadigde berichten worden eruit gehaald en opnieuw opgehaald bij een andere node. Afsluitcode 1 als er een beschadigd was
cmd-wiel-compact = Herschrijf het berichtenlogboek zonder de ruimte die ingetrokken berichten achterlieten (gewiste bytes). Een node doet dit ook zelf bij het starten, als meer dan de helft van het logboek, en minstens 64 MiB, leeg is
cmd-wiel-export = Schrijf alle berichten als ondertekende JSON-regels (voor `wiel import` elders) of als Markdown
arg-wiel-export-format = Vorm van de uitvoer
arg-wiel-export-output = Schrijf naar dit bestand in plaats van stdout
backup-written = Reservekopie geschreven naar { $file } ({ $size }). Er staat de sleutel van de organisatie in: bewaar haar even veilig als de datamap. Terugzetten: wiel --data-dir LEGE_MAP restore { $file }
restore-failed = kan { $file } niet terugzetten
restored = { $organisation } is teruggezet in { $dir }: { $entries } berichten, de sleutel en de instellingen van { $made_at }. Start de node: wat er sindsdien bijkwam, haalt hij op bij de andere nodes.
backup-not-a-backup = dit is geen reservekopie van wiel (die begint met een regel "backup" en schrijft `wiel backup`)
backup-damaged = de reservekopie is afgebroken of veranderd: haar laatste regel klopt niet met wat ervoor staat; er is niets teruggezet
backup-newer-format = de reservekopie is van een nieuwere wiel (vorm { $format }; deze wiel kent tot { $known }): werk wiel eerst bij
backup-bad-key = de sleutel in de reservekopie is onleesbaar: { $reason }
backup-needs-passphrase = de sleutel in deze reservekopie is met een wachtzin versleuteld: geef die met --passphrase-file
backup-wrong-passphrase = de wachtzin opent de sleutel in deze reservekopie niet
passphrase-empty = { $file } begint niet met een wachtzin (de eerste regel is leeg)
arg-wiel-backup-passphrase-file = Versleutel de sleutel van de organisatie in de reservekopie met de wachtzin in dit bestand (eerste regel); terugzetten vraagt dan dezelfde wachtzin
arg-wiel-restore-passphrase-file = De wachtzin (eerste regel van dit bestand) voor een reservekopie waarvan de sleutel versleuteld is
restore-not-empty = { $dir } is niet leeg: zet een reservekopie terug in een lege of nieuwe map (--data-dir)
cmd-wiel-backup = Schrijf een reservekopie van deze node: de sleutel, de instellingen en alle berichten, met een controlegetal. Kan terwijl de node draait
arg-wiel-backup-file = Het bestand voor de reservekopie (alleen voor de eigenaar leesbaar)
cmd-wiel-restore = Zet een reservekopie van `wiel backup` terug in een lege datamap; de node haalt daarna op wat er sindsdien bijkwam
arg-wiel-restore-file = De reservekopie ('-' voor stdin)
cmd-wiel-import = Lees ondertekende berichten in uit `wiel export` van een andere node. Elk bericht wordt gecontroleerd; is er één fout, dan wordt niets ingelezen
arg-wiel-import-file = Het bestand met JSON-regels ('-' voor stdin)
cmd-wiel-node = Laat de node van deze gemeente draaien: doe mee in het netwerk, geef berichten door, bied de lokale API aan. Stopt netjes bij Ctrl-C of SIGTERM
arg-wiel-node-listen = Adres om op te luisteren (herhaalbaar). Standaard: uit config.toml, anders /ip4/0.0.0.0/tcp/4001 en /ip4/0.0.0.0/udp/4001/quic-v1
arg-wiel-node-bootstrap = Een node om bij het starten mee te verbinden (herhaalbaar), naast die in config.toml
arg-wiel-node-no-mdns = Zoek niet naar nodes op het lokale netwerk (mDNS)
arg-wiel-node-no-kademlia = Zoek niet naar nodes buiten de startlijst (geen Kademlia): verbind alleen waar dat gezegd wordt, bijvoorbeeld binnen een gesloten netwerk
arg-wiel-node-seed = Draai als seed: een altijd bereikbare publieke node (een provincie, een regionaal samenwerkingsverband) die doorgeeft voor gemeenten achter NAT of een firewall, zodat die elkaar bereiken; ook `[node] seed = true`
arg-wiel-node-api = Waar de lokale API luistert (alleen 127.0.0.1). Standaard: een vrije poort
arg-wiel-node-metrics = Bied Prometheus-meetgegevens aan op dit adres, bijvoorbeeld 127.0.0.1:9464. Standaard: uit
arg-wiel-node-log-format = Vorm van het logboek: text (regels voor mensen op stderr), json (één JSON-object per gebeurtenis, met zijn velden, voor een logverzamelaar) of journald (rechtstreeks naar het systemd-journaal, elk veld een journaalveld: WIEL_PEER_ID=…). Draait de node als dienst en gaat stderr naar het journaal, dan kiest hij journald zelf
arg-wiel-node-heartbeat-ms = Hartslag van het doorgeven in milliseconden (tests gebruiken een korte)
cmd-wiel-peers = Toon de verbonden nodes: organisatie, adres, ruimtes, vertraging
cmd-wiel-status = Toon de node: adressen, verbonden nodes, ruimtes met aantallen berichten, laatst ontvangen bericht
cmd-wiel-doctor = Onderzoek de node voor wie hem beheert: draait hij, is hij van buiten bereikbaar (en via welke relays), verbindingen direct of via een relay, gaten prikken door NAT, de klok tegenover andere nodes, schijfruimte, opslag, webpagina en instellingen; elk met wat te doen. Stopt met code 1 bij een probleem
cmd-wiel-endorse = Sta in voor de sleutel van een andere organisatie, zodat nodes die u vertrouwen haar ook vertrouwen (tot hun ingestelde diepte). Met --withdraw trekt u dat weer in
cmd-wiel-endorse-long = Voorbeeld: wiel endorse GM0166   (of een sleutel, een naam, of het kenmerk van een van haar berichten)
arg-wiel-endorse-organisation = De organisatie: CBS-code, naam, sleutel, of een kenmerk (het begin ervan) van een van haar berichten
arg-wiel-endorse-name = Haar naam, als deze node geen profiel van haar heeft
arg-wiel-endorse-code = Haar CBS-code (GM….), als deze node geen profiel van haar heeft
arg-wiel-endorse-withdraw = Trek uw aanbeveling van deze organisatie in, in plaats van haar aan te bevelen
cmd-wiel-key = De sleutel van deze organisatie: stap over op een nieuwe, of trek een verloren of gestolen sleutel in
cmd-wiel-key-rotate = Stap over op een nieuwe sleutel: een bericht, ondertekend met de huidige sleutel, vertelt elke node dat de nieuwe sleutel voor deze organisatie spreekt, met hetzelfde vertrouwen. De oude sleutel blijft bewaard als key.old.<tijd>. Stop eerst de node
cmd-wiel-key-revoke = Trek een sleutel van deze organisatie in (noem hem, of --current): wat hij vanaf --since ondertekent, telt op geen enkele node meer; wat hij daarvoor ondertekende, blijft gelden. Na diefstal: eerst overstappen, dan met de nieuwe sleutel de oude intrekken. Vraagt om bevestiging (of --yes)
arg-wiel-key-revoke-key = De sleutel om in te trekken (hexadecimaal); de huidige, of een waarvan deze organisatie is overgestapt
arg-wiel-key-revoke-current = Trek de sleutel in waarmee deze node nu ondertekent (daarna kan hij alleen nog een overstap ondertekenen: voer daarna `wiel key rotate` uit)
arg-wiel-key-revoke-since = Vanaf wanneer: een datum (2026-11-01) of een leeftijd (7d, 12h). Standaard: nu
arg-wiel-key-revoke-yes = Trek in zonder te vragen
cmd-wiel-trust = Wie deze node vertrouwt: bekijk, voeg toe of haal weg wie rechtstreeks vertrouwd wordt
cmd-wiel-trust-list = De vertrouwensstand, de diepte, en elke vertrouwde organisatie met wie voor haar instaat
cmd-wiel-trust-add = Vertrouw een organisatie rechtstreeks, zonder dat iemand voor haar instaat
arg-wiel-trust-add-organisation = CBS-code, naam, sleutel, of een kenmerk (het begin ervan) van een van haar berichten
cmd-wiel-trust-remove = Vertrouw een organisatie niet langer rechtstreeks (misschien nog wel via aanbevelingen)
arg-wiel-trust-remove-organisation = { arg-wiel-trust-add-organisation }
cmd-wiel-sync = Werk nu bij: vergelijk elke ruimte met de verbonden nodes (of één node), haal op wat hier ontbreekt, bied aan wat zij missen. Toont de voortgang en eindigt met een samenvatting. Een draaiende node doet dit ook zelf, bij elke nieuwe verbinding en elke 5 minuten
arg-wiel-sync-peer = Alleen deze node: zijn peer-id (12D3KooW…), of een adres dat eindigt op /p2p/<peer-id> om eerst mee te verbinden
cmd-wiel-connect = Verbind de draaiende node met een andere node, bijvoorbeeld /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…
arg-wiel-connect-address = Het adres van de andere node
cmd-wiel-demo = Probeer wiel op voorbeeldgegevens: drie gemeentelijke nodes op deze computer, in een rij; een vraag reist langs de rij, wordt beantwoord en geaccepteerd; daarna een lijst, een zoekopdracht en een draad
arg-wiel-demo-keep = Bewaar de nodes van de demo in deze map in plaats van een tijdelijke

## Fouten en wat eraan te doen

error = fout
io-not-found = bestaat niet
io-permission-denied = geen toegang (controleer de rechten)
io-already-exists = bestaat al
io-is-a-directory = is een map, geen bestand
io-not-a-directory = is geen map
io-storage-full = de schijf is vol
io-read-only = er mag niet geschreven worden (alleen-lezen)
io-invalid-data = onleesbare gegevens (geen geldige UTF-8-tekst?)
hint-not-initialised = voer eerst `wiel init --name "Gemeente …" --code GM….` uit
hint-already-initialised = gebruik een andere --data-dir om een nieuwe te maken
hint-search-index = bouw hem opnieuw op met `wiel reindex`
hint-unknown-organisation = geef haar naam en CBS-code met --name en --code
hint-own-key-revoked = voer `wiel key rotate` uit om op een nieuwe sleutel over te stappen
hint-personal-data = publiceer toch met --yes
hint-unfollowed-space = of voeg --new-space toe om er toch te publiceren
hint-no-node = start er een met `wiel node`
usage-not-a-number = geen geheel getal

## Waarom iets van een andere node niet is aangenomen

refusal-too-large = te groot
refusal-unknown-version = onbekende opmaakversie
refusal-newer-format = gemaakt door een nieuwere versie van wiel (werk wiel bij)
refusal-malformed = onleesbaar
refusal-wrong-network = van een ander netwerk
refusal-body-hash = inhoud na ondertekenen veranderd
refusal-bad-signature = handtekening klopt niet
refusal-rules = in strijd met de regels
refusal-not-asked-for = niet waar om gevraagd was
refusal-wrong-topic = in de verkeerde ruimte doorgegeven
refusal-wrong-space = uit een andere ruimte dan gevraagd
refusal-not-served = beloofd maar niet geleverd
refusal-sync-endless = bijwerken dat niet eindigde
refusal-sync-inconsistent = tegenstrijdig bijwerkantwoord
refusal-sync-malformed = onleesbaar bijwerkbericht
refusal-sync-out-of-range = bijwerkvraag buiten elke redelijke grens
refusal-other-network-peer = node van een ander netwerk
refusal-in-future = gedateerd in de toekomst
refusal-kept-apart = apart gehouden (niet vertrouwd)
refusal-incomplete = zonder tekst ontvangen (later heel opgehaald)
refusal-untrusted = niet vertrouwd (vertrouwensstand closed)
refusal-too-many-profiles = te veel profielen van onbekende organisaties
refusal-kept-apart-full = ruimte voor niet vertrouwde berichten vol
refusal-rate-limited = te veel tegelijk (later bijgewerkt)
refusal-sync-rate-limited = te vaak bijwerken gevraagd
refusal-fetch-rate-limited = te veel tegelijk opgevraagd
refusal-overloaded = node te druk
refusal-serve-busy = node te druk om te antwoorden
refusal-sync-memory-budget = bijwerken vroeg te veel geheugen
refusal-no-identify = node zei niet bij welk netwerk hij hoort
refusal-strangers-full = verbinding geweigerd om ruimte te houden voor anderen: onbekenden hadden hun deel al, of hun netwerk zette al veel verbindingen op

## Problemen bij het bijwerken

sync-problem-rounds = gestopt na { $rounds } rondes terwijl er nog berichten ontbraken: werk later opnieuw bij
sync-problem-not-served = { $peer } leverde { $count } berichten niet die hij zei te hebben
sync-problem-fetch-failed = { $peer }: ophalen mislukte: { $detail }
sync-problem-rejected = { $peer } stuurde { $count } berichten die de controle niet doorstonden
sync-problem-postponed = { $peer } ({ $space }): uitgesteld, te weinig geheugen vrij
sync-problem-session = { $peer } ({ $space }): { $reason }
api-unauthorized = geef het token uit GEGEVENSMAP/api.token mee als 'Authorization: Bearer TOKEN'
api-no-sync-run = geen bijwerkronde { $run } op deze node (alleen de laatste 16 worden bewaard)
api-not-an-address = '{ $address }' is geen netwerkadres zoals /ip4/192.0.2.7/tcp/4001/p2p/12D3KooW…

data-dir-is-a-file = { $path } is een bestand, geen map: geef met --data-dir een map (die mag nog niet bestaan)
api-no-peer-id = '{ $address }' eindigt niet op /p2p/<peer-id>
api-not-a-peer = '{ $peer }' is geen peer-id (12D3KooW…) en geen netwerkadres
dial-nothing-listens = daar luistert niets (draait de node daar, en klopt de poort?)
dial-no-answer = geen antwoord (klopt het adres, of houdt een firewall het tegen?)
dial-itself = dat is het adres van deze node zelf
dial-not-the-node-named = daar antwoordt node { $found }, niet { $named }, en die liet niet zien dat hij de opvolger is
dial-other-network = daar draait een node van een ander wiel-netwerk (het testnetwerk of het echte): die wordt geweigerd
dial-blocked = deze node heeft die node voorlopig geblokkeerd (hij hoorde bij een ander netwerk of stuurde ongeldige gegevens; zie wiel status); probeer het over tien minuten opnieuw
dial-no-identify = daar antwoordt iets, maar het zei niet op tijd wie het is (is het een wiel-node?)
dial-hung-up = de node daar verbrak de verbinding meteen, zonder te zeggen wie hij is: hij draait misschien op een ander wiel-netwerk, of heeft deze node geblokkeerd
dial-other = de verbinding kwam niet tot stand (zie het logboek van de node)
usage-value-missing = geef een waarde bij { $argument }
usage-unexpected = onverwacht gegeven '{ $argument }'

## Namen van waarden in de hulp

help-default = (standaard: { $value })
help-possible = (kies uit: { $values })
value-addr = ADRES
value-address = ADRES
value-author = AUTEUR
value-code = CODE
value-contact = CONTACT
value-dir = MAP
value-file = BESTAND
value-format = VORM
value-id = KENMERK
value-kind = SOORT
value-limit = AANTAL
value-mode = STAND
value-multiaddr = ADRES
value-name = NAAM
value-organisation = ORGANISATIE
value-output = BESTAND
value-peer = NODE
value-province = PROVINCIE
value-question = VRAAG
value-reason = REDEN
value-since = VANAF
value-space = RUIMTE
value-tag = TREFWOORD
value-text = TEKST
value-theme = THEMA
value-title = TITEL
value-until = TOT
value-words = WOORDEN
value-comment = TOELICHTING
value-key = SLEUTEL
value-network = NETWERK
value-trust-mode = STAND
value-spaces = RUIMTE
value-tags = TREFWOORD
value-themes = THEMA
value-listen = ADRES
value-bootstrap = ADRES
value-api = ADRES
value-metrics = ADRES
value-heartbeat-ms = MS
value-keep = MAP
value-data-dir = MAP
value-options = OPTIES

## De webpagina

cmd-wiel-completions = Schrijf het aanvulscript voor een shell naar stdout (Tab vult commando's en opties aan). Bijvoorbeeld: wiel completions bash > /etc/bash_completion.d/wiel
arg-wiel-completions-shell = De shell waarvoor het script is
cmd-wiel-manual = Schrijf de handleiding als man-pagina's: wiel.1 en één per commando (wiel-list.1, …). Bijvoorbeeld: wiel manual /usr/local/share/man/man1
arg-wiel-manual-dir = De map voor de pagina's (wordt gemaakt als die er niet is)
manual-written = { $count } man-pagina's geschreven in { $dir }; lees ze met man -l { $dir }/wiel.1
cmd-wiel-config = De instellingen van deze node (config.toml)
cmd-wiel-config-check = Lees config.toml zoals wiel node dat doet en zeg of alles klopt, of wat er mis is en op welke regel. Stopt met code 1 bij een fout
config-check-ok = { $file } is in orde.
config-check-bad = { $file } bevat een fout (zie hierboven).
cmd-wiel-web = Open de webpagina van de draaiende node: geeft een inloglink die één keer werkt, binnen 10 minuten, op deze computer
web-link = Open deze link in uw browser (hij werkt één keer, binnen 10 minuten, op deze computer):
    { $url }
web-tagline = Samen het wiel uitvinden
web-skip = Naar de inhoud
web-nav = Hoofdmenu
web-nav-search = Zoeken
web-nav-questions = Open vragen
web-nav-write = Schrijven
web-problem = Er ging iets mis
web-failed = de node kon dit niet afmaken; probeer het opnieuw
web-wrong-host = Deze pagina is alleen te openen via de link die `wiel web` geeft, op deze computer.
web-foreign-form = Dit formulier kwam niet van deze pagina; er is niets gedaan. Open de pagina opnieuw en probeer het nog eens.
web-home-title = Kennis van gemeenten, voor gemeenten
web-open-questions = Open vragen in de regio
web-all-open-questions = Alle open vragen
web-newest = Nieuw
web-search-title = Zoeken
web-search-label = Waar zoekt u naar?
web-search-button = Zoeken
web-theme = Thema
web-any-theme = Alle thema's
web-no-theme = Geen thema
web-more-results = De beste { $shown } van { $total } getoond; maak uw zoekvraag preciezer voor andere.
web-untrusted-hidden = { $count ->
        [one] 1 treffer
       *[other] { $count } treffers
    } van organisaties die deze node niet vertrouwt, niet getoond.
web-retracted = Ingetrokken door de auteur: de inhoud is gewist.
web-reactions = Reacties van organisaties
web-accept = Dit antwoord hielp: accepteren
web-your-answer = Uw antwoord
web-send-answer = Antwoord versturen
web-react = Uw reactie
web-comment = Toelichting (niet verplicht)
web-send-reaction = Reactie versturen
web-choose-verdict = kies een oordeel: werkt, werkt niet, hier toegepast of nuttig
web-sign-in-title = Inloggen
web-sign-in-how = U bent niet ingelogd. Vraag de beheerder van de node om een inloglink; die maakt hij op de server met:
web-link-used = Deze inloglink is al gebruikt of verlopen. Vraag een nieuwe; die maakt de beheerder met:
web-kind = Wat wilt u delen?
web-title = Titel
web-text = Tekst
web-story-parts = Alleen bij een praktijkverhaal
web-tags = Trefwoorden (gescheiden door komma's)
web-contact = Contact (een werkadres, niet verplicht)
web-publish = Publiceren
web-privacy-blocked = Dit bevat persoonsgegevens van een burger die nooit gepubliceerd worden (zie hieronder). Haal ze weg; uw tekst is bewaard.
web-privacy-confirm = Dit bevat misschien persoonsgegevens van een burger (zie hieronder). Controleer het: haal ze weg, of bevestig dat het zo gepubliceerd mag worden.
web-privacy-confirm-box = Ik heb het gecontroleerd: dit zijn geen persoonsgegevens van een burger, of ze mogen gedeeld worden
web-answers = Antwoorden ({ $count })
web-nav-mine = Mijn bijdragen
web-nav-trust = Vertrouwen
web-nav-node = Node
web-retract-title = Dit bericht intrekken
web-retract-consequences = Als u dit bericht intrekt, wordt de tekst van alle versies gewist: hier, en op elke node die de intrekking ontvangt. Alleen wie het schreef en wanneer blijft bewaard. Dit kan niet ongedaan worden gemaakt.
web-retract-reason = Waarom u het intrekt (niet verplicht; iedereen kan dit lezen)
web-retract-button = Intrekken
web-retract-back = Terug, niet intrekken
web-trust-explained = Deze node toont en deelt berichten van organisaties die hij vertrouwt: rechtstreeks, of omdat een vertrouwde organisatie voor hen instaat (een aanbeveling). Berichten van andere organisaties worden apart gehouden.
web-organisation = Organisatie
web-how = Hoe vertrouwd
web-per-week = Nieuwe berichten per week, per ruimte (laatste 12 weken)
web-per-week-table = Nieuwe berichten per week (0 is deze week)
web-spaces = Ruimtes
web-entries = Berichten
web-kept-apart = Apart gehouden
web-edit-title = Een nieuwe versie maken
web-editing = U maakt een nieuwe versie ({ $kind }); de vorige versie blijft bewaard.
web-show-more = { $shown } van { $total } getoond: toon meer resultaten

## Inloggen via de identiteitsdienst van de gemeente; de pagina buiten deze computer
web-link-not-here = Inloglinks werken alleen op de computer waar de node draait. Hier logt u in via uw organisatie.
web-sign-in-again = Opnieuw inloggen
web-sign-in-unreachable = De inlogdienst van uw organisatie is nu niet bereikbaar. Probeer het over een paar minuten opnieuw; blijft dit zo, meld het dan bij de ICT-afdeling.
web-sign-in-unknown = Deze inlogpoging is onbekend of duurde te lang. Begin opnieuw.
web-sign-in-refused = De inlog van uw organisatie is niet geaccepteerd, dus u bent niet ingelogd. Probeer het opnieuw; gebeurt dit steeds, meld het dan bij de ICT-afdeling.
web-sign-in-no-name = De inlogdienst van uw organisatie geeft uw naam niet door, en wat u hier plaatst komt op uw naam. Vraag de ICT-afdeling om de naam door te geven.
web-signed-in = U bent ingelogd als { $who }.
web-signed-in-consent = Wat u hier plaatst, beantwoordt of waarop u reageert, komt op uw naam en functie: { $who }. Alle deelnemende organisaties kunnen dat lezen. Door te versturen gaat u daarmee akkoord.
web-continue = Verder naar wiel
web-sign-out = Uitloggen
web-signed-out = U bent uitgelogd.
web-wrong-host-shared = Deze pagina antwoordt alleen op het adres dat uw organisatie ervoor heeft opgegeven.
web-setup-needs-sign-in = [web] listen staat in config.toml, maar [web.sign_in] niet: de pagina wordt buiten deze computer alleen aangeboden met inloggen via de identiteitsdienst van uw organisatie (OpenID Connect)
web-setup-needs-address = [web] listen staat in config.toml, maar [web] address niet: geef het adres dat collega's openen, bijvoorbeeld "https://wiel.zwolle.nl"
web-setup-bad-address = [web] address "{ $given }" in config.toml is geen webadres zoals "https://wiel.zwolle.nl" (zonder pad of vraagdeel)
web-setup-needs-https = [web] listen { $listen } is bereikbaar buiten deze computer, dus [web] address moet met https:// beginnen (zet een TLS-proxy voor de node)
web-setup-bad-issuer = [web.sign_in] issuer "{ $given }" in config.toml is geen https-adres van een identiteitsdienst (http alleen op deze computer)
web-setup-secret = kan het clientgeheim in { $path } niet lezen ([web.sign_in] client_secret_file): { $detail }
web-setup-cannot-listen = kan de webpagina niet aanbieden op { $listen } ([web] listen): { $detail }
web-edit-answer = Dit antwoord wijzigen
web-retract-answer = Dit antwoord intrekken
web-endorse-title = Een organisatie aanbevelen
web-endorse-explained = Als uw organisatie een andere aanbeveelt, vertrouwt elke node die de uwe vertrouwt die ook, en toont wat zij plaatst. Beveel alleen een organisatie aan van wie u de sleutel met haar hebt nagekeken, telefonisch of persoonlijk.
web-endorse-which = Organisatie (naam, CBS-code zoals GM0166, of sleutel)
web-endorse-button = Aanbevelen
web-withdraw-endorsement = Niet meer aanbevelen
web-withdraw-endorsement-of = { $organisation } niet meer aanbevelen
web-new-entry = Nieuw:
web-results-count = { $count ->
    [one] 1 resultaat
   *[other] { $count } resultaten
}
web-sign-in-busy = Er loggen nu veel mensen tegelijk in. Probeer het zo opnieuw.
web-sign-in-not-allowed = U bent ingelogd bij uw organisatie, maar uw rol geeft geen toegang tot wiel. Vraag die aan bij de ICT-afdeling.
web-not-yours = U kunt alleen wijzigen of intrekken wat u zelf hebt geplaatst. Vraag het een collega met de rol van redacteur, of de ICT-afdeling.
web-trust-not-yours = Organisaties aanbevelen doen collega's van wie de rol dat toestaat, of de beheerder op de computer van de node.
arg-wiel-web-no-open = Alleen de link tonen; niet openen in de browser van deze computer
web-opened = Geopend in uw browser.
peer-via-relay = via een relay

node-network-failed = het netwerk van de node stopte onverwacht (zie het log); de node is gestopt en kan opnieuw gestart worden

## wiel doctor
doctor-ok = in orde
doctor-note = ter info
doctor-warn = let op
doctor-fail = probleem
doctor-problems = { $count ->
        [one] wiel doctor vond 1 probleem (zie hierboven)
       *[other] wiel doctor vond { $count } problemen (zie hierboven)
    }
doctor-check-config = instellingen
doctor-check-node = node
doctor-check-reachability = bereikbaarheid
doctor-check-peers = verbindingen
doctor-check-hole_punching = gaten prikken
doctor-check-clock = klok
doctor-check-disk = schijf
doctor-check-store = opslag
doctor-check-web = webpagina
doctor-config-ok = config.toml is in orde.
doctor-config-unreadable = config.toml kan niet gelezen worden: { $reason }
doctor-config-no-bootstrap = Er staat geen bootstrap-adres in config.toml: deze node vindt alleen nodes in het eigen netwerk. Zet het adres van een seed onder [node] bootstrap.
doctor-config-loopback-only = De node luistert alleen op deze computer (127.0.0.1): andere gemeenten kunnen hem niet bereiken. Zet onder [node] listen bijvoorbeeld /ip4/0.0.0.0/tcp/4001.
doctor-node-not-running = De node draait niet: start hem met `wiel node` (of `systemctl start wiel`). Zonder draaiende node komt er niets binnen en gaat er niets uit.
doctor-node-running = De node draait als { $peer_id }.
doctor-reach-public = Andere nodes kunnen deze node direct bereiken op { $address }.{ $relays ->
        [yes] { " " }Hij geeft ook nodes achter NAT een doorgang (relay).
       *[no] {""}
    }
doctor-reach-private-relayed = Deze node is van buiten niet direct bereikbaar (NAT of firewall), maar wel via { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }. Dat werkt; direct is sneller: laat poort { $port } (TCP en UDP) doorsturen naar deze server als dat kan.
doctor-reach-private-alone = Deze node is van buiten niet bereikbaar (NAT of firewall) en heeft geen relay: andere gemeenten kunnen hem niet bereiken. Zet een seed onder [node] bootstrap, of laat poort { $port } (TCP en UDP) doorsturen naar deze server.
doctor-reach-unknown-relayed = Nog niet getest of deze node van buiten bereikbaar is; hij is bereikbaar via { $count ->
        [one] 1 relay
       *[other] { $count } relays
    }.
doctor-reach-seed-unknown = Deze seed luistert niet op een adres dat van buiten te bereiken is (alleen op 127.0.0.1 of een privé-adres): nodes achter NAT kunnen hem niet gebruiken. Zet onder [node] listen het publieke adres van de server.
doctor-reach-unknown = Nog niet getest of deze node van buiten bereikbaar is: dat kan alleen met een verbonden seed. Zet een seed onder [node] bootstrap, of wacht een minuut en vraag het opnieuw.
doctor-peers-none = Geen verbindingen met andere nodes: controleer de bootstrap-adressen in config.toml en of de firewall uitgaand verkeer naar poort { $port } toelaat.
doctor-peers = Verbonden met { $direct } { $direct ->
        [one] node
       *[other] nodes
    } direct en { $relayed } via een relay.
doctor-punch = Gaten prikken door NAT: { $done } gelukt, { $failed } mislukt.
doctor-punch-never = Gaten prikken door NAT is niet gelukt ({ $failed } keer mislukt aan deze kant): { $relayed ->
        [one] 1 verbinding loopt
       *[other] { $relayed } verbindingen lopen
    } al meer dan een halve minuut via een relay. Dat werkt, maar trager. Waarschijnlijk kiest de NAT-router voor elke bestemming een nieuwe poort; vraag de netwerkbeheerder om poort { $port } (TCP en UDP) door te sturen naar deze server.
doctor-clock-unknown = De klok is niet vergeleken: daarvoor zijn minstens 3 verbonden nodes van vertrouwde organisaties nodig (nu { $count }).
doctor-clock-ok = De klok loopt gelijk met die van { $count } andere { $count ->
        [one] node
       *[other] nodes
    } (verschil { $seconds } s).
doctor-clock-ahead = De klok van deze server loopt { $seconds } seconden vóór op die van { $count } andere { $count ->
        [one] node
       *[other] nodes
    }: berichten van deze node kunnen elders worden geweigerd. Zet tijdsynchronisatie aan (bijvoorbeeld `timedatectl set-ntp true`).
doctor-clock-behind = De klok van deze server loopt { $seconds } seconden achter op die van { $count } andere { $count ->
        [one] node
       *[other] nodes
    }: nieuwe berichten van anderen worden dan geweigerd. Zet tijdsynchronisatie aan (bijvoorbeeld `timedatectl set-ntp true`).
doctor-disk-ok = Vrije schijfruimte: { $free } ({ $percent }%).
doctor-disk-low = Nog maar { $free } ({ $percent }%) vrije schijfruimte: maak ruimte vrij of geef de datamap meer ruimte, anders stopt de node met opslaan.
doctor-disk-unknown = De vrije schijfruimte kan niet gelezen worden: { $reason }
doctor-store = De opslag is te lezen: { $count ->
        [one] 1 bericht
       *[other] { $count } berichten
    }.
doctor-store-unreadable = De opslag kan niet geopend worden: { $reason }
doctor-kept-apart-full = Wat apart gehouden wordt (van organisaties die hier niet vertrouwd worden) is bijna vol: { $size } van { $limit }. Daarna wordt nieuws van hen geweigerd; verhoog [trust] max_kept_apart_bytes of vertrouw wie u kent.
doctor-web-answers = De webpagina voor collega's antwoordt.
doctor-web-no-answer = De webpagina voor collega's antwoordt niet ({ $reason }): kijk in het log van de node.
