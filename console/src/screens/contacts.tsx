import { useEffect, useState } from 'preact/hooks';

import { contactsApi } from '../api/endpoints';
import type { Contact, ContactFilter } from '../api/models';
import { ErrorAlert, Loading } from '../components/feedback';
import { PageHeading } from '../components/page-heading';
import { contactName, formatDateTime, splitList } from '../format';
import { useAction, useDebounced, useLoad } from '../hooks';
import { type Location, setQuery } from '../router';
import { ContactImport } from './contact-import';

type ConsentFilter = '' | 'true' | 'false';

export function Contacts({ location }: { location: Location }) {
  const search = location.query.get('q') ?? '';
  const tag = location.query.get('tag') ?? '';
  const consent = (location.query.get('optedOut') ?? '') as ConsentFilter;
  const [searchInput, setSearchInput] = useState(search);
  const [tagInput, setTagInput] = useState(tag);
  const debouncedSearch = useDebounced(searchInput.trim());
  const debouncedTag = useDebounced(tagInput.trim());

  useEffect(() => {
    if (debouncedSearch !== search || debouncedTag !== tag)
      setQuery({ q: debouncedSearch || undefined, tag: debouncedTag || undefined });
  }, [debouncedSearch, debouncedTag]);

  const filter: ContactFilter = {
    search: search || undefined,
    tag: tag || undefined,
    optedOut: consent === '' ? undefined : consent === 'true',
  };
  const [extra, setExtra] = useState<{ items: Contact[]; nextCursor: string | null }>({
    items: [],
    nextCursor: null,
  });
  const firstPage = useLoad(() => contactsApi.list(filter), [search, tag, consent]);
  useEffect(() => setExtra({ items: [], nextCursor: null }), [firstPage.data]);

  const contacts = firstPage.data ? [...firstPage.data.items, ...extra.items] : undefined;
  const nextCursor = extra.items.length > 0 ? extra.nextCursor : firstPage.data?.nextCursor;
  const [changed, setChanged] = useState<Record<string, Contact>>({});

  const loadMore = useAction(async () => {
    if (!nextCursor) return;
    const page = await contactsApi.list(filter, 50, nextCursor);
    setExtra((current) => ({ items: [...current.items, ...page.items], nextCursor: page.nextCursor }));
  });

  const consentAction = useAction(async (contact: Contact) => {
    const updated = contact.optedOut
      ? await contactsApi.optIn(contact.id)
      : await contactsApi.optOut(contact.id);
    setChanged((current) => ({ ...current, [updated.id]: updated }));
  });

  return (
    <section>
      <PageHeading title="Contacts" />
      <div class="two-columns">
        <div class="column-main">
          <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
            <div class="field">
              <label for="contacts-search">Search contacts</label>
              <input
                id="contacts-search"
                type="search"
                placeholder="Name or number"
                value={searchInput}
                onInput={(event) => setSearchInput(event.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="contacts-tag">Tag</label>
              <input
                id="contacts-tag"
                type="search"
                value={tagInput}
                onInput={(event) => setTagInput(event.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="contacts-consent">Consent</label>
              <select
                id="contacts-consent"
                value={consent}
                onChange={(event) => setQuery({ optedOut: event.currentTarget.value || undefined })}
              >
                <option value="">Everyone</option>
                <option value="false">Reachable</option>
                <option value="true">Opted out</option>
              </select>
            </div>
          </form>
          <ErrorAlert error={firstPage.error} context="Could not load contacts" />
          <ErrorAlert error={consentAction.error} context="Could not change consent" />
          {contacts === undefined ? (
            <Loading what="contacts" />
          ) : contacts.length === 0 ? (
            <p class="empty">No contacts match.</p>
          ) : (
            <div class="table-wrap" role="region" aria-label="Contacts" tabIndex={0}>
              <table class="contacts-table">
                <caption class="visually-hidden">Contacts, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Phone</th>
                    <th scope="col">Tags</th>
                    <th scope="col">Consent</th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {contacts.map((listed) => {
                    const contact = changed[listed.id] ?? listed;
                    return (
                      <tr key={contact.id}>
                        <th scope="row">{contactName(contact)}</th>
                        <td class="nowrap">{contact.phone ?? '—'}</td>
                        <td>
                          {contact.tags.length > 0 ? (
                            <ul class="tags">
                              {contact.tags.map((value) => (
                                <li key={value} class="tag">
                                  {value}
                                </li>
                              ))}
                            </ul>
                          ) : (
                            <span class="muted">none</span>
                          )}
                        </td>
                        <td>
                          {contact.optedOut ? (
                            <span class="badge status-failed">
                              Opted out {formatDateTime(contact.optedOutAt)}
                            </span>
                          ) : (
                            'Reachable'
                          )}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="secondary small-button"
                            disabled={consentAction.busy}
                            onClick={() => void consentAction.run(contact)}
                            aria-label={`${contact.optedOut ? 'Opt in' : 'Opt out'} ${contactName(contact)}`}
                          >
                            {contact.optedOut ? 'Opt in' : 'Opt out'}
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {nextCursor ? (
            <button
              type="button"
              class="secondary"
              onClick={() => void loadMore.run()}
              disabled={loadMore.busy}
            >
              Load more contacts
            </button>
          ) : null}
          <ErrorAlert error={loadMore.error} />
        </div>
        <div class="column-side">
          <NewContact onCreated={firstPage.reload} />
          <ContactImport onImported={firstPage.reload} />
        </div>
      </div>
    </section>
  );
}

function NewContact({ onCreated }: { onCreated: () => void }) {
  const [phone, setPhone] = useState('');
  const [name, setName] = useState('');
  const [tags, setTags] = useState('');
  const [done, setDone] = useState('');
  const create = useAction(async () => {
    const contact = await contactsApi.create({
      phone: phone.trim(),
      ...(name.trim() ? { name: name.trim() } : {}),
      tags: splitList(tags),
    });
    setPhone('');
    setName('');
    setTags('');
    setDone(`Added ${contactName(contact)} (${contact.phone ?? ''}).`);
    onCreated();
  });
  return (
    <form
      class="card"
      aria-labelledby="new-contact-title"
      onSubmit={(event) => {
        event.preventDefault();
        setDone('');
        void create.run();
      }}
    >
      <h2 id="new-contact-title">Add a contact</h2>
      <ErrorAlert error={create.error} />
      <div class="field">
        <label for="new-contact-phone">Phone number</label>
        <input
          id="new-contact-phone"
          type="tel"
          required
          autocomplete="off"
          placeholder="+14155550100"
          value={phone}
          onInput={(event) => setPhone(event.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="new-contact-name">Name (optional)</label>
        <input id="new-contact-name" value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="new-contact-tags">Tags (optional)</label>
        <input
          id="new-contact-tags"
          aria-describedby="new-contact-tags-help"
          value={tags}
          onInput={(event) => setTags(event.currentTarget.value)}
        />
        <p id="new-contact-tags-help" class="help">
          Separated by commas.
        </p>
      </div>
      <button type="submit" disabled={create.busy}>
        Add contact
      </button>
      <p role="status" class="small">
        {done}
      </p>
    </form>
  );
}
