/**
 * @module inspect/detectors/people/english-names
 * Word lists behind the English name detector: capitalised words that are not names even in
 * a name position ("Dear Team", "Hi All", "Thanks, Support"), and common given names used to
 * spot "Firstname Lastname" without a cue word. The given-name list is short on purpose: it
 * holds names that are rarely ordinary capitalised words (no Will, May, Grace, Mark, Bill).
 */

export const NOT_NAME_WORDS = new Set(
  `i me my we us you he she they it the a an and or of to in on at for with from by team all everyone everybody
  there here sir madam madame mam ma'am sirs folks guys friends colleagues customer customers client support service
  services sales admin administrator manager managers user users staff hr it dept department committee board
  dear hi hello hey thanks thank regards best sincerely cheers yours kind warm greetings good morning afternoon evening
  monday tuesday wednesday thursday friday saturday sunday january february march april june july august september
  october november december today tomorrow yesterday please sorry yes no ok okay not just also very so
  this that these those what who whom whose which when where why how is am are was were be been being
  world company inc ltd llc corp corporation group the-team anyone someone somebody nobody none other others
  mr mrs ms miss dr prof doctor professor mister sender recipient unknown n/a na tbd null`
    .split(/\s+/)
    .filter(Boolean),
);

/** Given names common in English-language text, lower-case. */
export const GIVEN_NAMES = new Set(
  `james john robert michael william david richard joseph thomas charles christopher daniel matthew anthony donald
  steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason jeffrey ryan jacob gary nicholas
  eric jonathan stephen larry justin scott brandon benjamin samuel gregory alexander frank patrick raymond jack dennis
  jerry tyler aaron jose adam nathan henry douglas zachary peter kyle ethan walter noah jeremy christian keith roger
  terry gerald harold sean austin carl arthur lawrence dylan jesse jordan bryan billy joe bruce gabriel logan albert
  willie alan juan wayne elijah randy roy vincent ralph eugene russell bobby mason philip louis mary patricia jennifer
  linda elizabeth barbara susan jessica sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna
  michelle carol amanda dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley
  anna brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine maria heather
  diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn judith megan andrea cheryl hannah
  jacqueline martha gloria teresa ann sara madison frances kathryn janice jean abigail alice judy sophia denise
  marilyn amber danielle beverly isabella theresa diana natalie brittany charlotte marie kayla alexis lori
  liam lucas oliver leo hugo luca marco giovanni giuseppe francesco alessandro lorenzo matteo sofia giulia chiara
  pierre jean-pierre francois nicolas julien camille chloe manon lea hans klaus jurgen stefan wolfgang lukas
  jonas felix maximilian laura anja katharina carlos miguel javier alejandro pablo diego sergio lucia carmen
  pedro joao mateus gabriela ana ivan dmitri sergei vladimir olga natalia tatiana irina anastasia mohammed muhammad
  ahmed ali omar hassan fatima aisha yusuf ibrahim raj rahul amit priya anil sunil deepak pooja wei li ming hiroshi
  takeshi yuki kenji akira haruto sakura minh thanh nguyen jan piotr tomasz katarzyna agnieszka petra lars
  sven erik anders ingrid astrid nils bjorn`
    .split(/\s+/)
    .filter(Boolean),
);

/** Words that end street and organisation names, so "Kimberly Way" or "Russell Investments" is not a person. */
export const NOT_SURNAMES = new Set(
  `street st avenue ave road rd lane ln drive dr court ct way place pl terrace parkway highway hwy boulevard blvd
  circle square trail crescent alley plaza loop row path pike route point ridge run walk close grove gardens heights
  crossing landing commons center centre estates harbor hollow junction meadows mews park pass ranch station view
  vista flat flats bypass cliffs cliff extensions extension union investments investment inc ltd llc corp group bank
  university college school hospital clinic foundation institute company partners holdings capital associates
  solutions systems services technologies labs studio studios media records press church airport bridge river lake
  mountain island county city town village valley hill hills beach bay port north south east west`
    .split(/\s+/)
    .filter(Boolean),
);
