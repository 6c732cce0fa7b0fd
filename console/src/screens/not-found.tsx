import { PageHeading } from '../components/page-heading';
import { Link } from '../router';

export function NotFound() {
  return (
    <section>
      <PageHeading title="Page not found" />
      <p>
        There is no such page in the console. <Link to="/inbox">Go to the inbox</Link>.
      </p>
    </section>
  );
}

/** Agents reach admin screens only by typing their URL; the API would refuse their changes anyway. */
export function AdminsOnly() {
  return (
    <section>
      <PageHeading title="Admins only" />
      <p>
        This page is for administrators. <Link to="/inbox">Go to the inbox</Link>.
      </p>
    </section>
  );
}
