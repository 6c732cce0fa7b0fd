import { type ImportLayout, parseTagCell, readImportHeader, readImportRow } from './import-layout.js';

const layoutOf = (header: string): ImportLayout => {
  const result = readImportHeader(header.split(','));
  if ('problem' in result) throw new Error(result.problem);
  return result.layout;
};

describe('readImportHeader', () => {
  it('finds the known columns in any order and treats the others as attributes', () => {
    expect(layoutOf('name,phone,tags,company,firstName,lastName,plan')).toEqual({
      width: 7,
      phone: 1,
      name: 0,
      tags: 2,
      firstName: 4,
      lastName: 5,
      attributes: [
        { key: 'company', index: 3 },
        { key: 'plan', index: 6 },
      ],
    });
  });

  it('matches known columns regardless of case, spaces and underscores', () => {
    expect(layoutOf(' Phone ,First Name,last_name,TAGS')).toMatchObject({
      phone: 0,
      firstName: 1,
      lastName: 2,
      tags: 3,
      attributes: [],
    });
  });

  it.each([
    ['name,firstName', /no "phone" column/],
    ['phone,name,Name', /names the column "Name" twice/],
    ['phone,,name', /empty column name \(column 2\)/],
    ['phone,Company Name', /"Company Name".*valid attribute name/],
    ['phone,' + Array.from({ length: 51 }, (_, index) => `a${index}`).join(','), /51 attribute columns/],
  ])('refuses the header %p', (header, problem) => {
    const result = readImportHeader(header.split(','));

    expect('problem' in result && result.problem).toMatch(problem);
  });
});

describe('readImportRow', () => {
  const layout = layoutOf('phone,name,firstName,lastName,tags,company');
  const read = (line: string, defaultCountry?: string) =>
    readImportRow(line.split(','), layout, defaultCountry);

  it('normalises the phone, trims values and splits tags on ";"', () => {
    expect(
      read('+1 (415) 555-0100, Ada Lovelace ,Ada,Lovelace, vip; newsletter ;vip;,Analytical Engines'),
    ).toEqual({
      row: {
        phone: '+14155550100',
        name: 'Ada Lovelace',
        firstName: 'Ada',
        lastName: 'Lovelace',
        tags: ['vip', 'newsletter'],
        timeZone: null,
        attributes: { company: 'Analytical Engines' },
      },
    });
  });

  it('reads national numbers with the default country', () => {
    expect(read('(415) 555-0100,,,,,', 'US')).toMatchObject({ row: { phone: '+14155550100' } });
  });

  it('leaves empty cells as "no value", so an update keeps what is stored', () => {
    expect(read('+14155550100,,,,,')).toEqual({
      row: {
        phone: '+14155550100',
        name: null,
        firstName: null,
        lastName: null,
        tags: null,
        timeZone: null,
        attributes: null,
      },
    });
  });

  it.each([
    ['+14155550100,Ada', /has 2 columns but the header has 6/],
    ['+14155550100,a,b,c,d,e,f', /has 7 columns but the header has 6/],
    [',Ada,,,,', /phone is missing/],
    [
      '555-01,Ada,,,,',
      /phone "555-01" is not a valid phone number \(write it with its country code, as \+14155550100, or give the country for numbers without one\)/,
    ],
    ['+1415,Ada,,,,', /phone "\+1415" is not a valid phone number$/],
    [`+14155550100,${'x'.repeat(201)},,,,`, /name is longer than 200/],
    [`+14155550100,,,${'x'.repeat(201)},,`, /lastName is longer than 200/],
    [`+14155550100,,,,${'t'.repeat(65)},`, /tags: tag "t+…" is longer than 64/],
    [
      `+14155550100,,,,${Array.from({ length: 51 }, (_, index) => `t${index}`).join(';')},`,
      /tags: has more than 50 tags/,
    ],
    [`+14155550100,,,,,${'c'.repeat(1001)}`, /attribute "company" is longer than 1000/],
    ['+14155550100,Nul\u0000Name,,,,', /name must not contain NUL/],
    ['+14155550100,,,,vip;n\u0000l,', /tags: tag "n\\u0000l" must not contain NUL/],
    ['+14155550100,,,,,\u0000', /attribute "company" must not contain NUL/],
  ])('rejects %p', (line, reason) => {
    const result = read(line);

    expect('reason' in result && result.reason).toMatch(reason);
  });
});

describe('parseTagCell', () => {
  it('drops blank entries', () => {
    expect(parseTagCell(' ; ;')).toEqual([]);
    expect(parseTagCell('a;;b; a')).toEqual(['a', 'b']);
  });
});

describe('the timeZone column', () => {
  const layoutOf = (header: string) => {
    const result = readImportHeader(header.split(','));
    if (!('layout' in result)) throw new Error(result.problem);
    return result.layout;
  };

  it('reads a time zone in any spelling of the column and canonicalises it', () => {
    const layout = layoutOf('phone,Time Zone');
    expect(readImportRow(['+14155550100', 'europe/lisbon'], layout)).toMatchObject({
      row: { timeZone: 'Europe/Lisbon' },
    });
    expect(readImportRow(['+14155550100', ''], layout)).toMatchObject({ row: { timeZone: null } });
  });

  it('rejects a row with an unknown zone, naming the column', () => {
    const result = readImportRow(['+14155550100', 'Mars/Base'], layoutOf('phone,timeZone'));
    expect('reason' in result ? result.reason : undefined).toContain('timeZone "Mars/Base"');
  });
});
